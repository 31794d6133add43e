namespace Urial.SemanticKernel;

/// <summary>One completion to ask a server for: the prompt (as the server's own tokens when it has a tokenizer endpoint) and how to sample it.</summary>
internal sealed class CompletionCall
{
    /// <summary>Gets the prompt text, control-token text already neutralized.</summary>
    public required string Prompt { get; init; }

    /// <summary>Gets the prompt as the server tokenized it, or <see langword="null"/> when the server has no tokenizer endpoint.</summary>
    public int[]? PromptTokens { get; init; }

    /// <summary>Gets the most tokens to generate.</summary>
    public required int MaxTokens { get; init; }

    public required SamplingParameters Sampling { get; init; }

    /// <summary>Gets the stop sequences the server should stop at (the engine also matches them itself).</summary>
    public IReadOnlyList<string> Stops { get; init; } = [];

    /// <summary>Gets the GBNF grammar the server must constrain the whole completion with, or <see langword="null"/>.</summary>
    public string? Grammar { get; init; }
}
