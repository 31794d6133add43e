using Microsoft.Extensions.AI;

namespace Urial.SemanticKernel;

/// <summary>Translates chat messages into prompt turns and back.</summary>
internal static class PromptTurnConverter
{
    /// <summary>Translates the messages that the prompt renders into turns, in order.</summary>
    /// <param name="messages">The conversation.</param>
    /// <param name="toolTurns">Whether function calls and results are rendered; when <see langword="false"/> they are skipped as before tools existed.</param>
    /// <param name="maxResultLength">The maximum number of characters of a tool result; longer results are cut and end with a note.</param>
    /// <returns>The turns to render.</returns>
    /// <remarks>
    /// An assistant message with <see cref="FunctionCallContent"/> becomes one answer turn (text, then calls); each
    /// <see cref="FunctionResultContent"/> of a tool message becomes one result turn. Other messages in other roles,
    /// and messages whose contents are all non-text, are skipped; a message without any contents, or with empty
    /// text, is rendered as an empty turn so that rendering and parsing stay inverse.
    /// </remarks>
    /// <exception cref="ArgumentException"><paramref name="messages"/> contains <see langword="null"/>.</exception>
    public static List<PromptTurn> ToTurns(IEnumerable<ChatMessage> messages, bool toolTurns = false, int maxResultLength = PromptTools.DefaultMaxResultLength)
    {
        var turns = new List<PromptTurn>();
        var callNames = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var message in messages)
        {
            if (message is null)
            {
                throw new ArgumentException("The conversation contains a null message.", nameof(messages));
            }

            if (toolTurns && message.Role == ChatRole.Assistant && message.Contents.OfType<FunctionCallContent>().ToArray() is { Length: > 0 } calls)
            {
                turns.Add(new PromptTurn(PromptTurnKind.Assistant, message.Text) { Calls = calls });
                foreach (var call in calls)
                {
                    callNames[call.CallId] = call.Name;
                }
            }
            else if (toolTurns && message.Role == ChatRole.Tool)
            {
                foreach (var result in message.Contents.OfType<FunctionResultContent>())
                {
                    turns.Add(new PromptTurn(PromptTurnKind.ToolResult, Truncate(ToolCallSyntax.FormatResult(result.Result), maxResultLength))
                    {
                        CallId = result.CallId,
                        ToolName = callNames.GetValueOrDefault(result.CallId),
                    });
                }
            }
            else if (KindOf(message.Role) is { } kind && !HasOnlyNonTextContents(message))
            {
                turns.Add(new PromptTurn(kind, message.Text));
            }
        }

        return turns;
    }

    /// <summary>Translates parsed conversation turns back into chat messages; consecutive result turns form one tool message.</summary>
    /// <param name="turns">The turns, without the tools section.</param>
    /// <returns>The messages.</returns>
    public static List<ChatMessage> ToMessages(IEnumerable<PromptTurn> turns)
    {
        var messages = new List<ChatMessage>();
        foreach (var turn in turns)
        {
            switch (turn.Kind)
            {
                case PromptTurnKind.ToolResult:
                    var result = new FunctionResultContent(turn.CallId!, turn.Text);
                    if (messages.Count > 0 && messages[^1].Role == ChatRole.Tool)
                    {
                        messages[^1].Contents.Add(result);
                    }
                    else
                    {
                        messages.Add(new ChatMessage(ChatRole.Tool, [result]));
                    }

                    break;
                case PromptTurnKind.Assistant when turn.Calls.Count > 0:
                    List<AIContent> contents = turn.Text.Length > 0 ? [new TextContent(turn.Text)] : [];
                    contents.AddRange(turn.Calls);
                    messages.Add(new ChatMessage(ChatRole.Assistant, contents));
                    break;
                default:
                    messages.Add(new ChatMessage(RoleOf(turn.Kind), turn.Text));
                    break;
            }
        }

        return messages;
    }

    /// <summary>Cuts a result to <paramref name="maxLength"/> characters (never inside a surrogate pair) and notes how much was cut.</summary>
    /// <param name="text">The result text.</param>
    /// <param name="maxLength">The maximum number of characters kept.</param>
    /// <returns>The text, or its beginning followed by a line <c>[truncated: N more characters]</c>.</returns>
    public static string Truncate(string text, int maxLength)
    {
        if (text.Length <= maxLength)
        {
            return text;
        }

        var cut = maxLength > 0 && char.IsHighSurrogate(text[maxLength - 1]) ? maxLength - 1 : maxLength;
        return $"{text[..cut]}\n[truncated: {text.Length - cut} more characters]";
    }

    private static PromptTurnKind? KindOf(ChatRole role) =>
        role == ChatRole.User ? PromptTurnKind.User
        : role == ChatRole.Assistant ? PromptTurnKind.Assistant
        : role == ChatRole.System ? PromptTurnKind.System
        : null;

    private static ChatRole RoleOf(PromptTurnKind kind) => kind switch
    {
        PromptTurnKind.User => ChatRole.User,
        PromptTurnKind.Assistant => ChatRole.Assistant,
        PromptTurnKind.System => ChatRole.System,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown turn kind."),
    };

    private static bool HasOnlyNonTextContents(ChatMessage message) =>
        message.Contents.Count > 0 && message.Contents.All(content => content is not TextContent);
}
