using System.Runtime.CompilerServices;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Urial.SemanticKernel;
using MeaiChatResponseUpdate = Microsoft.Extensions.AI.ChatResponseUpdate;
using MeaiUsageContent = Microsoft.Extensions.AI.UsageContent;
using MeaiUsageDetails = Microsoft.Extensions.AI.UsageDetails;

namespace Urial.AgentConsole.Chat;

/// <summary>Runs the model through Semantic Kernel's chat-completion service, with the kernel's plugins offered as functions.</summary>
/// <param name="kernel">The kernel holding the Urial service and the plugins.</param>
/// <param name="maxTokens">The most tokens per answer.</param>
internal sealed class KernelAssistant(Kernel kernel, int maxTokens) : IAssistant
{
    private readonly ChatHistory _history = [];
    private readonly IChatCompletionService _service = kernel.GetRequiredService<IChatCompletionService>();
    private readonly UrialPromptExecutionSettings _settings = new()
    {
        MaxTokens = maxTokens,

        // The kernel invokes the functions the model asks for.
        FunctionChoiceBehavior = FunctionChoiceBehavior.Auto(),
    };

    public string Runtime => "Semantic Kernel";

    public Microsoft.Extensions.AI.ChatOptions PromptOptions => _settings.ToChatOptions(kernel) ?? new();

    public async IAsyncEnumerable<AnswerUpdate> AskAsync(string question, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        _history.AddUserMessage(question);
        var answer = new System.Text.StringBuilder();
        await foreach (var update in _service.GetStreamingChatMessageContentsAsync(_history, _settings, kernel, cancellationToken))
        {
            var text = update.Content ?? string.Empty;
            answer.Append(text);
            yield return new AnswerUpdate(text, UsageOf(update));
        }

        _history.AddAssistantMessage(answer.ToString());
    }

    public Task ResetAsync(CancellationToken cancellationToken)
    {
        _history.Clear();
        return Task.CompletedTask;
    }

    // SK's IChatClient bridge puts the final update's UsageContent (not UsageDetails) in Metadata["Usage"];
    // accept either shape, and the raw update if a future bridge keeps it as inner content.
    private static MeaiUsageDetails? UsageOf(StreamingChatMessageContent update) =>
        (update.Metadata?.TryGetValue("Usage", out var usage) == true ? usage : null) switch
        {
            MeaiUsageContent content => content.Details,
            MeaiUsageDetails details => details,
            _ => (update.InnerContent as MeaiChatResponseUpdate)?.Contents.OfType<MeaiUsageContent>().FirstOrDefault()?.Details,
        };
}
