using Microsoft.Extensions.AI;

namespace Urial.SemanticKernel;

/// <summary>One turn of a conversation as the prompt sees it: who speaks, the unescaped text and, for tool turns, the calls or the call id.</summary>
/// <remarks>
/// Chat messages are translated into turns before rendering so that a turn kind only needs a translation and a
/// heading, not a change to the formats' framing and escaping.
/// </remarks>
/// <param name="Kind">The speaker.</param>
/// <param name="Text">The message text, exactly as the caller wrote it (for a tool result, the result text).</param>
internal sealed record PromptTurn(PromptTurnKind Kind, string Text)
{
    /// <summary>Gets the tool calls an assistant turn makes after its text; empty for other turns.</summary>
    public IReadOnlyList<FunctionCallContent> Calls { get; init; } = [];

    /// <summary>Gets the id of the call a <see cref="PromptTurnKind.ToolResult"/> turn answers.</summary>
    public string? CallId { get; init; }

    /// <summary>Gets the name of the function a <see cref="PromptTurnKind.ToolResult"/> turn answers, when known; shown to the model, not parsed back.</summary>
    public string? ToolName { get; init; }
}
