namespace Urial.SemanticKernel;

/// <summary>Why a completion ended.</summary>
public enum GenerationFinishReason
{
    /// <summary>The model ended its answer: an end-of-generation token or a stop sequence.</summary>
    Stop,

    /// <summary>The output token budget or the context ran out.</summary>
    Length,
}
