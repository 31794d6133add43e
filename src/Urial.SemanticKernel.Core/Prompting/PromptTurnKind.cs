namespace Urial.SemanticKernel;

/// <summary>The speaker of one rendered turn; each format maps a kind to its own heading.</summary>
internal enum PromptTurnKind
{
    /// <summary>Instructions for the assistant (an agent's instructions arrive as system messages).</summary>
    System,

    /// <summary>A message from the person.</summary>
    User,

    /// <summary>A reply of the assistant, possibly ending with tool calls.</summary>
    Assistant,

    /// <summary>The result of one tool call, headed <c># Tool result:</c>.</summary>
    ToolResult,

    /// <summary>The list of tools the assistant may call, headed <c># Tools:</c>; not part of the conversation.</summary>
    Tools,
}
