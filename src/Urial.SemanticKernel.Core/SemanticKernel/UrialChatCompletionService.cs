using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Microsoft.SemanticKernel.TextGeneration;
using SkTextContent = Microsoft.SemanticKernel.TextContent;

namespace Urial.SemanticKernel;

/// <summary>
/// The Semantic Kernel chat-completion and text-generation service of the Urial connector: a thin wrapper over
/// an <see cref="IChatClient"/> pipeline that ends in <see cref="UrialChatClient"/>.
/// </summary>
/// <remarks>Function calling, filters and telemetry come from the pipeline (see <c>AddUrialChatCompletion</c>). This type is thread-safe.</remarks>
public sealed class UrialChatCompletionService : IChatCompletionService, ITextGenerationService
{
    private readonly IChatCompletionService _inner;

    /// <summary>Initializes a new instance of the <see cref="UrialChatCompletionService"/> class.</summary>
    /// <param name="chatClient">The pipeline to wrap; its leaf is normally a <see cref="UrialChatClient"/>.</param>
    /// <param name="serviceProvider">The service provider the kernel functions resolve from, or <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="chatClient"/> is <see langword="null"/>.</exception>
    public UrialChatCompletionService(IChatClient chatClient, IServiceProvider? serviceProvider = null)
    {
        ArgumentNullException.ThrowIfNull(chatClient);
        _inner = chatClient.AsChatCompletionService(serviceProvider);
    }

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, object?> Attributes => _inner.Attributes;

    /// <inheritdoc/>
    public Task<IReadOnlyList<ChatMessageContent>> GetChatMessageContentsAsync(
        ChatHistory chatHistory, PromptExecutionSettings? executionSettings = null, Kernel? kernel = null, CancellationToken cancellationToken = default) =>
        _inner.GetChatMessageContentsAsync(chatHistory, executionSettings, kernel, cancellationToken);

    /// <inheritdoc/>
    public IAsyncEnumerable<StreamingChatMessageContent> GetStreamingChatMessageContentsAsync(
        ChatHistory chatHistory, PromptExecutionSettings? executionSettings = null, Kernel? kernel = null, CancellationToken cancellationToken = default) =>
        _inner.GetStreamingChatMessageContentsAsync(chatHistory, executionSettings, kernel, cancellationToken);

    /// <inheritdoc/>
    public async Task<IReadOnlyList<SkTextContent>> GetTextContentsAsync(
        string prompt, PromptExecutionSettings? executionSettings = null, Kernel? kernel = null, CancellationToken cancellationToken = default)
    {
        // A text prompt is one user turn: the model still answers in the URIAL assistant's voice.
        var messages = await _inner.GetChatMessageContentsAsync(UserTurn(prompt), executionSettings, kernel, cancellationToken).ConfigureAwait(false);
        return [.. messages.Select(m => new SkTextContent(m.Content, m.ModelId, m.InnerContent, m.Encoding, m.Metadata))];
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<StreamingTextContent> GetStreamingTextContentsAsync(
        string prompt, PromptExecutionSettings? executionSettings = null, Kernel? kernel = null, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var chunk in _inner.GetStreamingChatMessageContentsAsync(UserTurn(prompt), executionSettings, kernel, cancellationToken).ConfigureAwait(false))
        {
            yield return new StreamingTextContent(chunk.Content, chunk.ChoiceIndex, chunk.ModelId, chunk.InnerContent, chunk.Encoding, chunk.Metadata);
        }
    }

    // Not new ChatHistory(prompt): that constructor makes a system message.
    private static ChatHistory UserTurn(string prompt)
    {
        var history = new ChatHistory();
        history.AddUserMessage(prompt);
        return history;
    }
}
