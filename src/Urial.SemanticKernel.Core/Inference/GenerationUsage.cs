namespace Urial.SemanticKernel;

/// <summary>Token counts of one completion.</summary>
public sealed class GenerationUsage
{
    /// <summary>Gets the tokens in the prompt, including those served from a cache.</summary>
    public int PromptTokens { get; init; }

    /// <summary>Gets the prompt tokens whose evaluation was reused from a cache (the engine's own, or a server's).</summary>
    public int CachedPromptTokens { get; init; }

    /// <summary>Gets the tokens the model generated, including the one that ended the answer.</summary>
    public int OutputTokens { get; init; }
}
