using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Urial.SemanticKernel;

/// <summary>
/// The <c>drop_oldest_turns</c> context-overflow policy: drops the oldest exchanges of a conversation until the
/// rendered prompt and its output budget fit the engine's context.
/// </summary>
/// <remarks>
/// What is never dropped: the URIAL prompt's constant text (it is not a message), system messages (instructions),
/// and the last user message with everything after it (the calls and results of the turn being answered). What is
/// dropped: whole exchanges, oldest first — the messages from one user message up to the next — so that a tool
/// result never outlives its call.
/// </remarks>
internal static class ContextOverflowPolicy
{
    /// <summary>The output budget kept free when the request sets no <see cref="ChatOptions.MaxOutputTokens"/>.</summary>
    public const int DefaultOutputReserve = 256;

    /// <summary>Tokens of slack for the tokenizer's merges across the end of the cached prefix.</summary>
    private const int BoundarySlack = 8;

    /// <summary>The wire name of <see cref="UrialContextOverflow.Error"/> in <c>AdditionalProperties</c> and JSON settings.</summary>
    public const string ErrorName = "error";

    /// <summary>The wire name of <see cref="UrialContextOverflow.DropOldestTurns"/> in <c>AdditionalProperties</c> and JSON settings.</summary>
    public const string DropOldestTurnsName = "drop_oldest_turns";

    /// <summary>Reads the policy from <see cref="ChatOptions.AdditionalProperties"/>.</summary>
    /// <returns><see langword="true"/> for <see cref="UrialContextOverflow.DropOldestTurns"/>, <see langword="false"/> for <see cref="UrialContextOverflow.Error"/> or no value.</returns>
    /// <exception cref="ArgumentException">The value is neither a defined <see cref="UrialContextOverflow"/> nor one of its names.</exception>
    public static bool DropsOldestTurns(ChatOptions? options)
    {
        if (options?.AdditionalProperties is null || !options.AdditionalProperties.TryGetValue(UrialChatClient.ContextOverflowKey, out var value) || value is null)
        {
            return false;
        }

        return Read(value) switch
        {
            UrialContextOverflow.DropOldestTurns => true,
            UrialContextOverflow.Error => false,
            _ => throw new ArgumentException(
                $"ChatOptions.AdditionalProperties[\"{UrialChatClient.ContextOverflowKey}\"] is '{value}'; use UrialContextOverflow.{nameof(UrialContextOverflow.Error)} " +
                $"or \"{ErrorName}\" (the default), or UrialContextOverflow.{nameof(UrialContextOverflow.DropOldestTurns)} or \"{DropOldestTurnsName}\".",
                nameof(options)),
        };
    }

    /// <summary>Reads an enum value, or its wire or member name in any case (a string or a JSON string); anything else is <see langword="null"/>.</summary>
    private static UrialContextOverflow? Read(object value)
    {
        if (value is UrialContextOverflow policy)
        {
            return Enum.IsDefined(policy) ? policy : null;
        }

        var text = value switch
        {
            string s => s,
            JsonElement { ValueKind: JsonValueKind.String } e => e.GetString(),
            _ => null,
        };
        return text switch
        {
            _ when IsName(text, ErrorName, nameof(UrialContextOverflow.Error)) => UrialContextOverflow.Error,
            _ when IsName(text, DropOldestTurnsName, nameof(UrialContextOverflow.DropOldestTurns)) => UrialContextOverflow.DropOldestTurns,
            _ => null,
        };
    }

    private static bool IsName(string? text, string wireName, string memberName) =>
        string.Equals(text, wireName, StringComparison.OrdinalIgnoreCase) || string.Equals(text, memberName, StringComparison.OrdinalIgnoreCase);

    /// <summary>Returns the longest suffix of the conversation (plus every system message) whose rendering fits, and how many messages were dropped.</summary>
    /// <param name="engine">The engine, which reports its context size and counts tokens.</param>
    /// <param name="messages">The whole conversation, instructions included.</param>
    /// <param name="render">Renders a conversation into the complete prompt.</param>
    /// <param name="maxOutputTokens">The request's output budget, if set.</param>
    /// <param name="cancellationToken">The request's token.</param>
    /// <returns>The prompt to send and the number of messages left out.</returns>
    /// <exception cref="UrialContextLengthExceededException">Even the last user message alone does not fit.</exception>
    public static async Task<(string Prompt, int Dropped)> FitAsync(
        IUrialEngine engine, IReadOnlyList<ChatMessage> messages, Func<IReadOnlyList<ChatMessage>, string> render, int? maxOutputTokens, CancellationToken cancellationToken)
    {
        await engine.WarmUpAsync(cancellationToken).ConfigureAwait(false); // a remote engine learns its context size when it starts
        var reserve = maxOutputTokens ?? DefaultOutputReserve;
        var limit = engine.ContextSize - reserve - BoundarySlack;
        var whole = render(messages);
        if (await CountAsync(engine, whole, cancellationToken).ConfigureAwait(false) <= limit)
        {
            return (whole, 0);
        }

        // Cut points: each user message; a cut drops every non-system message before it. The last user message is the last cut.
        var cuts = new List<int>();
        for (var i = 0; i < messages.Count; i++)
        {
            if (messages[i].Role == ChatRole.User)
            {
                cuts.Add(i);
            }
        }

        // Binary search for the earliest cut that fits: fitting is monotonic in the cut, since later cuts only drop more.
        int low = 0, high = cuts.Count - 1;
        string? best = null;
        var bestCut = -1;
        while (low <= high)
        {
            var middle = (low + high) / 2;
            var prompt = render(Keep(messages, cuts[middle]));
            if (await CountAsync(engine, prompt, cancellationToken).ConfigureAwait(false) <= limit)
            {
                best = prompt;
                bestCut = cuts[middle];
                high = middle - 1;
            }
            else
            {
                low = middle + 1;
            }
        }

        if (best is null)
        {
            var lastOnly = Keep(messages, cuts[^1]);
            var needed = await CountAsync(engine, render(lastOnly), cancellationToken).ConfigureAwait(false);
            throw new UrialContextLengthExceededException(
                $"Even after dropping every earlier turn, the URIAL prompt, the system messages and the last user message need {(needed == long.MaxValue ? "far more" : needed.ToString("N0", System.Globalization.CultureInfo.InvariantCulture))} tokens, and {reserve} more are kept for " +
                $"the answer ({(maxOutputTokens is null ? "the default reserve" : "MaxOutputTokens")}), but the context holds {engine.ContextSize}. " +
                "Shorten the last message or the instructions, lower MaxOutputTokens, or raise ContextSize.");
        }

        return (best, messages.Take(bestCut).Count(m => m.Role != ChatRole.System));
    }

    private static List<ChatMessage> Keep(IReadOnlyList<ChatMessage> messages, int cut) =>
        [.. messages.Where((message, index) => index >= cut || message.Role == ChatRole.System)];

    /// <summary>Counts a prompt's tokens; a prompt the engine refuses to tokenize because it cannot fit counts as too long.</summary>
    private static async ValueTask<long> CountAsync(IUrialEngine engine, string prompt, CancellationToken cancellationToken)
    {
        try
        {
            return await engine.CountTokensAsync(prompt, cancellationToken).ConfigureAwait(false);
        }
        catch (UrialContextLengthExceededException)
        {
            return long.MaxValue;
        }
    }
}
