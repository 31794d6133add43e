namespace Urial.SemanticKernel;

/// <summary>The speaker of one rendered turn; each format maps a kind to its own heading.</summary>
internal enum PromptTurnKind
{
    /// <summary>Instructions for the assistant (an agent's instructions arrive as system messages).</summary>
    System,

    /// <summary>A message from the person.</summary>
    User,

    /// <summary>A reply of the assistant.</summary>
    Assistant,
}
