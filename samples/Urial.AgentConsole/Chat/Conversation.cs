using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.AI;
using Urial.SemanticKernel;

namespace Urial.AgentConsole.Chat;

/// <summary>Wraps an assistant with what the console shows about it: a transcript for <c>/prompt</c> and timings for <c>/stats</c>.</summary>
/// <param name="assistant">The runtime that answers.</param>
/// <param name="client">The Urial chat client (the pipeline's leaf), which renders prompts exactly as it sends them.</param>
internal sealed class Conversation(IAssistant assistant, UrialChatClient client)
{
    private readonly List<ChatMessage> _transcript = [];

    public ConversationStats Stats { get; private set; } = new();

    public IAssistant Assistant => assistant;

    /// <summary>Streams the answer to <paramref name="question"/>, timing it and keeping it in the transcript.</summary>
    /// <param name="question">The user's message.</param>
    /// <param name="cancellationToken">The token to cancel the answer.</param>
    /// <returns>The answer's text deltas.</returns>
    public async IAsyncEnumerable<string> AskAsync(string question, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        _transcript.Add(new ChatMessage(ChatRole.User, question));
        var answer = new StringBuilder();
        var clock = Stopwatch.StartNew();
        TimeSpan? firstToken = null;
        UsageDetails? usage = null;
        await foreach (var update in assistant.AskAsync(question, cancellationToken))
        {
            usage = update.Usage ?? usage;
            if (update.Text.Length > 0)
            {
                firstToken ??= clock.Elapsed;
                answer.Append(update.Text);
                yield return update.Text;
            }
        }

        _transcript.Add(new ChatMessage(ChatRole.Assistant, answer.ToString()));
        Record(clock.Elapsed, firstToken, usage);
    }

    /// <summary>Renders the prompt the model completed for the last answer (or would complete next, before any question).</summary>
    /// <returns>The exact text after which the model generated; before any question, the constant URIAL prefix.</returns>
    /// <remarks>
    /// Rendered by the client with the assistant's options (instructions, tools section); the transcript keeps the
    /// text turns, so tool calls and results made inside an answer are not shown.
    /// </remarks>
    public string RenderLastPrompt()
    {
        if (_transcript.Count == 0)
        {
            // The prompt needs a user turn to end in an open answer; before one there is only the constant prefix.
            return client.Prompt.Text;
        }

        var seen = _transcript.Count > 0 && _transcript[^1].Role == ChatRole.Assistant ? _transcript.Take(_transcript.Count - 1) : _transcript;
        return client.RenderPrompt(seen, assistant.PromptOptions);
    }

    public async Task ResetAsync(CancellationToken cancellationToken)
    {
        await assistant.ResetAsync(cancellationToken);
        _transcript.Clear();
        Stats = new ConversationStats();
    }

    private void Record(TimeSpan duration, TimeSpan? firstToken, UsageDetails? usage)
    {
        Stats.Turns++;
        Stats.InputTokens += usage?.InputTokenCount ?? 0;
        Stats.OutputTokens += usage?.OutputTokenCount ?? 0;
        Stats.CachedInputTokens += usage?.CachedInputTokenCount ?? 0;
        Stats.LastOutputTokens = usage?.OutputTokenCount ?? 0;
        Stats.LastTimeToFirstToken = firstToken;
        Stats.LastDuration = duration;
    }
}
