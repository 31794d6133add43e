namespace Urial.SemanticKernel;

/// <summary>One turn of a conversation as the prompt sees it: who speaks and the unescaped text.</summary>
/// <remarks>
/// Chat messages are translated into turns before rendering so that a later turn kind (tool calls and
/// results) only needs a translation and a heading, not a change to the formats' framing and escaping.
/// </remarks>
/// <param name="Kind">The speaker.</param>
/// <param name="Text">The message text, exactly as the caller wrote it.</param>
internal sealed record PromptTurn(PromptTurnKind Kind, string Text);
