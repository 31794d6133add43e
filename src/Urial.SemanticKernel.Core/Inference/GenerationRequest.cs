namespace Urial.SemanticKernel;

/// <summary>A prompt to complete and how to complete it.</summary>
/// <remarks>Instances are immutable: collections are copied when set, so an engine can read a request at any time after it was submitted.</remarks>
public sealed class GenerationRequest
{
    private readonly IReadOnlyList<string> _stopSequences = [];

    /// <summary>The most stop sequences a request may have.</summary>
    public const int MaxStopSequences = 128;

    /// <summary>The longest stop sequence a request may have, in characters.</summary>
    public const int MaxStopSequenceLength = 512;

    /// <summary>Initializes a new instance of the <see cref="GenerationRequest"/> class.</summary>
    /// <param name="prompt">The complete prompt text. All of it is tokenized as plain text: control-token text such as <c>&lt;/s&gt;</c> stays text.</param>
    /// <exception cref="ArgumentNullException"><paramref name="prompt"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="prompt"/> is empty.</exception>
    public GenerationRequest(string prompt)
    {
        ArgumentException.ThrowIfNullOrEmpty(prompt);
        Prompt = prompt;
    }

    /// <summary>Gets the complete prompt text.</summary>
    public string Prompt { get; }

    /// <summary>Gets how tokens are chosen.</summary>
    /// <value>Defaults to <see cref="SamplingParameters.Default"/>: greedy with a repetition penalty of 1.1, as in the URIAL paper.</value>
    public SamplingParameters Sampling { get; init; } = SamplingParameters.Default;

    /// <summary>Gets the most tokens to generate.</summary>
    /// <value><see langword="null"/> (the default) uses the engine's configured default, capped by the room left in the context.</value>
    public int? MaxOutputTokens { get; init; }

    /// <summary>Gets the text sequences that end the completion; the sequence itself is never returned.</summary>
    /// <value>Empty by default; the list is copied when set.</value>
    public IReadOnlyList<string> StopSequences
    {
        get => _stopSequences;
        init => _stopSequences = value is null ? null! : [.. value];
    }

    /// <summary>Gets the grammar the completion must match, or <see langword="null"/> for free text.</summary>
    /// <value>
    /// <see langword="null"/> by default. A grammar that llama.cpp would reject, or that exceeds the bounds that keep llama.cpp from
    /// crashing or hanging (size, rules, nesting, and the work its parser and sampler would do), fails the request with an
    /// <see cref="ArgumentException"/>; it never reaches native code.
    /// </value>
    public GenerationGrammar? Grammar { get; init; }

    /// <summary>Gets a text that identifies the conversation this prompt continues, for engines that spread requests over replicas.</summary>
    /// <value>
    /// <see langword="null"/> (the default) identifies the conversation by the whole prompt. The chat client sets the conversation
    /// rendered through its first user message: it is the same for every later turn, so a remote engine sends each turn to the
    /// replica that already caches the conversation's prefix. Engines on one machine ignore it.
    /// </value>
    public string? ConversationKey { get; init; }

    /// <summary>Checks the request's values before any native code sees them.</summary>
    /// <exception cref="ArgumentException">A value is out of range; the message names it and its valid range.</exception>
    public void Validate()
    {
        if (MaxOutputTokens is <= 0)
        {
            throw new ArgumentException($"MaxOutputTokens must be positive, but was {MaxOutputTokens}. Omit it to use the engine default.", nameof(MaxOutputTokens));
        }

        if (StopSequences is null || StopSequences.Any(string.IsNullOrEmpty))
        {
            throw new ArgumentException("StopSequences must not be null or contain empty strings.", nameof(StopSequences));
        }

        // The stop matcher compares every held tail with every stop sequence after each token: both are bounded.
        if (StopSequences.Count > MaxStopSequences || StopSequences.Any(stop => stop.Length > MaxStopSequenceLength))
        {
            throw new ArgumentException(
                $"StopSequences may hold at most {MaxStopSequences} sequences (the prompt's turn markers among them) of at most {MaxStopSequenceLength} characters each; " +
                $"it holds {StopSequences.Count}, the longest of {StopSequences.Max(stop => stop.Length)} characters.",
                nameof(StopSequences));
        }

        (Sampling ?? throw new ArgumentException("Sampling must not be null.", nameof(Sampling))).Validate();
        if (Grammar is { } grammar)
        {
            GbnfChecker.Validate(grammar.Gbnf, "root", nameof(Grammar));
        }
    }
}
