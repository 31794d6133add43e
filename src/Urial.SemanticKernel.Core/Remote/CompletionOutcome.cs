namespace Urial.SemanticKernel;

/// <summary>What a streamed completion reported besides its text: filled in by the dialect as chunks arrive.</summary>
internal sealed class CompletionOutcome
{
    /// <summary>Gets or sets a value indicating whether the server marked the stream complete (llama.cpp's final chunk, OpenAI's <c>[DONE]</c>).</summary>
    public bool Completed { get; set; }

    public GenerationFinishReason? FinishReason { get; set; }

    /// <summary>Gets or sets the stop sequence the server stopped at (and left out of the text), when it says which.</summary>
    public string? StopWord { get; set; }

    public int? PromptTokens { get; set; }

    public int? CachedPromptTokens { get; set; }

    public int? OutputTokens { get; set; }

    /// <summary>Gets or sets a value indicating whether the server dropped part of the prompt to fit its context (llama.cpp does so silently).</summary>
    public bool Truncated { get; set; }

    /// <summary>Gets or sets how many text chunks arrived: the output token count when the server reports none.</summary>
    public int TextChunks { get; set; }
}
