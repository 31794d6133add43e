namespace Urial.SemanticKernel;

/// <summary>One step of a streamed completion.</summary>
/// <param name="Text">The new text since the previous update; may be empty on the final update.</param>
/// <param name="FinishReason">Why generation ended; set on the final update only.</param>
/// <param name="Usage">The token counts; set on the final update only.</param>
public sealed record GenerationUpdate(string Text, GenerationFinishReason? FinishReason = null, GenerationUsage? Usage = null);

/// <summary>Why a completion ended.</summary>
public enum GenerationFinishReason
{
    /// <summary>The model ended its answer: an end-of-generation token or a stop sequence.</summary>
    Stop,

    /// <summary>The output token budget or the context ran out.</summary>
    Length,
}

/// <summary>Token counts of one completion.</summary>
/// <param name="PromptTokens">Tokens in the prompt, including those served from the cache.</param>
/// <param name="CachedPromptTokens">Prompt tokens whose evaluation was reused from the cache.</param>
/// <param name="OutputTokens">Tokens the model generated, including the one that ended the answer.</param>
public sealed record GenerationUsage(int PromptTokens, int CachedPromptTokens, int OutputTokens);
