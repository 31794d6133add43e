namespace Urial.SemanticKernel;

/// <summary>One step of a streamed completion.</summary>
/// <remarks>Engines create one instance per step; instances are immutable once created.</remarks>
public sealed class GenerationUpdate
{
    /// <summary>Gets the new text since the previous update.</summary>
    /// <value>Empty by default; may be empty on the final update.</value>
    public string Text { get; init; } = string.Empty;

    /// <summary>Gets why generation ended.</summary>
    /// <value>Set on the final update only; <see langword="null"/> on every other.</value>
    public GenerationFinishReason? FinishReason { get; init; }

    /// <summary>Gets the token counts of the whole completion.</summary>
    /// <value>Set on the final update only; <see langword="null"/> on every other.</value>
    public GenerationUsage? Usage { get; init; }
}
