using Microsoft.Extensions.AI;

namespace Urial.SemanticKernel;

/// <summary>Translates chat messages into prompt turns and back.</summary>
internal static class PromptTurnConverter
{
    /// <summary>Translates the messages that the prompt renders into turns, in order.</summary>
    /// <param name="messages">The conversation.</param>
    /// <returns>The turns to render.</returns>
    /// <remarks>
    /// Messages in other roles (tool results) and messages whose contents are all non-text (such as a bare
    /// function call) are skipped until tool turns are rendered; a message without any contents, or with empty
    /// text, is rendered as an empty turn so that rendering and parsing stay inverse.
    /// </remarks>
    /// <exception cref="ArgumentException"><paramref name="messages"/> contains <see langword="null"/>.</exception>
    public static List<PromptTurn> ToTurns(IEnumerable<ChatMessage> messages)
    {
        var turns = new List<PromptTurn>();
        foreach (var message in messages)
        {
            if (message is null)
            {
                throw new ArgumentException("The conversation contains a null message.", nameof(messages));
            }

            if (KindOf(message.Role) is { } kind && !HasOnlyNonTextContents(message))
            {
                turns.Add(new PromptTurn(kind, message.Text));
            }
        }

        return turns;
    }

    /// <summary>Translates a parsed turn back into a chat message.</summary>
    /// <param name="turn">The turn.</param>
    /// <returns>A message with the turn's role and text.</returns>
    public static ChatMessage ToMessage(PromptTurn turn) => new(RoleOf(turn.Kind), turn.Text);

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
