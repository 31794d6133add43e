using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Urial.SemanticKernel;

/// <summary>
/// An <see cref="IChatClient"/> over an untuned base model: renders the conversation after the URIAL prompt,
/// lets the engine complete it, and returns the answer as an aligned assistant's message.
/// </summary>
/// <remarks>
/// This is the leaf of a <see cref="ChatClientBuilder"/> pipeline: it only translates. Function invocation,
/// logging and telemetry come from the pipeline around it. It honours <see cref="ChatOptions.Temperature"/>,
/// <see cref="ChatOptions.TopP"/>, <see cref="ChatOptions.TopK"/>, <see cref="ChatOptions.Seed"/>,
/// the frequency and presence penalties, <see cref="ChatOptions.MaxOutputTokens"/>,
/// <see cref="ChatOptions.StopSequences"/>, <see cref="ChatOptions.Instructions"/> (rendered as a system turn)
/// the llama knobs <c>repeat_penalty</c>, <c>min_p</c>, <c>penalty_window</c> and OpenAI-style <c>logit_bias</c> in
/// <see cref="ChatOptions.AdditionalProperties"/>, <see cref="ChatOptions.ResponseFormat"/> and <see cref="ChatOptions.Tools"/>
/// (decoded under a grammar planned for the output budget; a structured answer that fails its schema raises
/// <see cref="UrialSchemaViolationException"/>). A conversation too long for the context fails with
/// <see cref="UrialContextLengthExceededException"/>, unless <see cref="ContextOverflowKey"/> asks to drop the oldest turns (<see cref="UrialContextOverflow.DropOldestTurns"/>).
/// This type is thread-safe.
/// </remarks>
public sealed class UrialChatClient : IChatClient, IAsyncDisposable
{
    /// <summary>The provider name reported in <see cref="ChatClientMetadata"/> and telemetry.</summary>
    public const string ProviderName = "urial";

    /// <summary>
    /// The <see cref="ChatOptions.AdditionalProperties"/> key that chooses what happens when a conversation does not fit the context: a
    /// <see cref="UrialContextOverflow"/> value, or its wire name <c>"error"</c> (the default) or <c>"drop_oldest_turns"</c>.
    /// </summary>
    public const string ContextOverflowKey = "context_overflow";

    /// <summary>The <see cref="ChatResponseUpdate.AdditionalProperties"/> key of the number of messages <see cref="UrialContextOverflow.DropOldestTurns"/> left out (an <see cref="int"/>; absent when none).</summary>
    public const string DroppedMessagesKey = "dropped_messages";

    private readonly ChatClientMetadata _metadata;
    private IUrialEngine? _ownedEngine;

    /// <summary>Initializes a new instance of the <see cref="UrialChatClient"/> class over an engine its caller owns.</summary>
    /// <param name="engine">The engine that completes prompts; disposing this client does not dispose it. For the local engine, set its <c>UrialEngineOptions.CachedPrefix</c> to <paramref name="prompt"/>'s text so the prefix is evaluated once.</param>
    /// <param name="prompt">The URIAL prompt; <see langword="null"/> uses <see cref="UrialPrompt.Default"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="engine"/> is <see langword="null"/>.</exception>
    /// <remarks>Several clients (and an embedding generator) may share one engine; whoever created the engine disposes it. <c>FromModel</c> (the <c>Urial.SemanticKernel</c> package) and <see cref="FromServer"/> create a client that owns its engine.</remarks>
    public UrialChatClient(IUrialEngine engine, UrialPrompt? prompt = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        Engine = engine;
        Prompt = prompt ?? UrialPrompt.Default;
        _metadata = new ChatClientMetadata(ProviderName, providerUri: null, defaultModelId: engine.ModelId);
    }

    /// <summary>Gets the URIAL prompt placed before every conversation.</summary>
    public UrialPrompt Prompt { get; }

    /// <summary>Gets the engine that completes the prompts.</summary>
    public IUrialEngine Engine { get; }

    /// <summary>Creates a client over serving engines (llama-server, vLLM, OpenAI-compatible completions) that serve a base model.</summary>
    /// <param name="options">The servers and how to reach them; at least one endpoint is required.</param>
    /// <param name="prompt">The URIAL prompt; <see langword="null"/> uses <see cref="UrialPrompt.Default"/>.</param>
    /// <param name="loggerFactory">The logger factory, or <see langword="null"/>.</param>
    /// <returns>A client that owns its engine: dispose it to close the engine's connections.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public static UrialChatClient FromServer(UrialRemoteEngineOptions options, UrialPrompt? prompt = null, ILoggerFactory? loggerFactory = null)
    {
        return Owning(new UrialRemoteEngine(options, loggerFactory), prompt);
    }

    /// <summary>Creates a client that disposes <paramref name="engine"/> with itself: the factories' one way to hand over an engine they created.</summary>
    internal static UrialChatClient Owning(IUrialEngine engine, UrialPrompt? prompt) => new(engine, prompt) { _ownedEngine = engine };

    /// <inheritdoc/>
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        // One code path for both shapes: the response is exactly the concatenation of the stream.
        GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

    /// <inheritdoc/>
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var tools = PromptTools.From(options);
        var conversation = WithInstructions(messages, options).ToList();
        var prompt = Prompt.Render(conversation, tools);
        var conversationKey = ConversationKey(conversation, tools, prompt);
        var (request, plan) = ChatOptionsTranslator.ToRequest(prompt, options, Prompt.StopSequences, tools, conversationKey);
        var dropped = 0;
        if (ContextOverflowPolicy.DropsOldestTurns(options))
        {
            (var fitted, dropped) = await ContextOverflowPolicy.FitAsync(Engine, conversation, kept => Prompt.Render(kept, tools), request.MaxOutputTokens, cancellationToken).ConfigureAwait(false);
            if (dropped > 0)
            {
                (request, plan) = ChatOptionsTranslator.ToRequest(fitted, options, Prompt.StopSequences, tools, conversationKey);
            }
        }

        var answer = new AnswerReader(plan);
        var ending = new AnswerEnding(Prompt);

        var responseId = "urial-" + Guid.NewGuid().ToString("N");
        var messageId = "msg-" + Guid.NewGuid().ToString("N");
        var createdAt = DateTimeOffset.UtcNow;
        await foreach (var update in Engine.GenerateAsync(request, cancellationToken).ConfigureAwait(false))
        {
            var text = answer.Accept(update.Text);
            text = update.FinishReason is null ? ending.Accept(text) : ending.Finish(text);
            var chatUpdate = new ChatResponseUpdate(ChatRole.Assistant, text.Length > 0 ? [new TextContent(text)] : [])
            {
                ResponseId = responseId,
                MessageId = messageId,
                ModelId = Engine.ModelId,
                CreatedAt = createdAt,
            };
            if (update.FinishReason is { } finish)
            {
                chatUpdate.FinishReason = finish == GenerationFinishReason.Length ? ChatFinishReason.Length : ChatFinishReason.Stop;
                if (dropped > 0)
                {
                    chatUpdate.AdditionalProperties = new() { [DroppedMessagesKey] = dropped };
                }

                answer.Complete(chatUpdate);
            }

            if (update.Usage is { } usage)
            {
                chatUpdate.Contents.Add(new UsageContent(new UsageDetails
                {
                    InputTokenCount = usage.PromptTokens,
                    OutputTokenCount = usage.OutputTokens,
                    TotalTokenCount = usage.PromptTokens + usage.OutputTokens,
                    CachedInputTokenCount = usage.CachedPromptTokens,
                }));
            }

            if (chatUpdate.Contents.Count > 0 || chatUpdate.FinishReason is not null)
            {
                yield return chatUpdate;
            }
        }
    }

    /// <summary>Renders the exact prompt text the model completes for <paramref name="messages"/> and <paramref name="options"/>.</summary>
    /// <param name="messages">The conversation.</param>
    /// <param name="options">The options whose instructions and tools shape the prompt, or <see langword="null"/>.</param>
    /// <returns>The URIAL text, the tools section if any, the escaped turns and the opened answer.</returns>
    /// <exception cref="ArgumentException">The conversation has no user message.</exception>
    public string RenderPrompt(IEnumerable<ChatMessage> messages, ChatOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return Prompt.Render(WithInstructions(messages, options), PromptTools.From(options));
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(ChatClientMetadata))
        {
            return _metadata;
        }

        if (serviceType.IsInstanceOfType(this))
        {
            return this;
        }

        if (serviceType.IsInstanceOfType(Engine))
        {
            return Engine;
        }

        return serviceType == typeof(UrialPrompt) ? Prompt : null;
    }

    /// <summary>Disposes the engine if this client created it (<c>FromModel</c>, <see cref="FromServer"/>); an engine passed to the constructor stays its owner's.</summary>
    public void Dispose() => Interlocked.Exchange(ref _ownedEngine, null)?.Dispose();

    /// <summary>Disposes the engine if this client created it (<c>FromModel</c>, <see cref="FromServer"/>); an engine passed to the constructor stays its owner's.</summary>
    /// <returns>A task that completes when the owned engine has stopped and freed its memory.</returns>
    public ValueTask DisposeAsync() => Interlocked.Exchange(ref _ownedEngine, null)?.DisposeAsync() ?? ValueTask.CompletedTask;

    /// <summary>The conversation rendered through its first user message: the same for every later turn of it, so a remote engine routes them all to one replica.</summary>
    private string ConversationKey(List<ChatMessage> conversation, PromptTools? tools, string prompt)
    {
        var firstUser = conversation.FindIndex(m => m.Role == ChatRole.User); // present: rendering the prompt checked it
        return firstUser == conversation.Count - 1 ? prompt : Prompt.Render(conversation.GetRange(0, firstUser + 1), tools);
    }

    /// <summary>Adds <see cref="ChatOptions.Instructions"/> as a leading system message, rendered after the constant prompt.</summary>
    private static IEnumerable<ChatMessage> WithInstructions(IEnumerable<ChatMessage> messages, ChatOptions? options) =>
        string.IsNullOrWhiteSpace(options?.Instructions) ? messages : messages.Prepend(new ChatMessage(ChatRole.System, options.Instructions));
}
