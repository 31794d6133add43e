using Microsoft.Extensions.AI;

namespace Urial.AgentConsole.Chat;

/// <summary>One way of running the model with the tools (Semantic Kernel or Agent Framework), keeping its own multi-turn history.</summary>
internal interface IAssistant
{
    /// <summary>Gets the name of the runtime, shown in the banner.</summary>
    string Runtime { get; }

    /// <summary>Streams the answer to <paramref name="question"/> and adds both to the history.</summary>
    /// <param name="question">The user's message.</param>
    /// <param name="cancellationToken">The token to cancel the answer.</param>
    /// <returns>Text deltas, and the token usage when the model reports it.</returns>
    IAsyncEnumerable<AnswerUpdate> AskAsync(string question, CancellationToken cancellationToken);

    /// <summary>Gets the chat options the model is called with (instructions, tools), so that <c>/prompt</c> renders what the model saw.</summary>
    ChatOptions PromptOptions { get; }

    /// <summary>Forgets the conversation.</summary>
    /// <param name="cancellationToken">The token to cancel.</param>
    /// <returns>A task that completes when the history is empty.</returns>
    Task ResetAsync(CancellationToken cancellationToken);
}

/// <summary>A piece of an answer.</summary>
/// <param name="Text">The text delta, possibly empty.</param>
/// <param name="Usage">The token usage, on the update that reports it.</param>
internal readonly record struct AnswerUpdate(string Text, UsageDetails? Usage);
