namespace Urial.SemanticKernel;

/// <summary>A GBNF grammar that constrains a completion, from its first token or from a trigger text on.</summary>
/// <remarks>Instances are immutable.</remarks>
public sealed class GenerationGrammar
{
    private readonly string? _trigger;
    private readonly int _reservedOutputTokens;

    /// <summary>Initializes a new instance of the <see cref="GenerationGrammar"/> class.</summary>
    /// <param name="gbnf">The grammar in llama.cpp's GBNF, with a rule named <c>root</c>. It is checked before any sampler uses it.</param>
    /// <exception cref="ArgumentNullException"><paramref name="gbnf"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="gbnf"/> is empty or white space.</exception>
    public GenerationGrammar(string gbnf)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(gbnf);
        Gbnf = gbnf;
    }

    /// <summary>Gets the grammar text.</summary>
    public string Gbnf { get; }

    /// <summary>Gets the text from which on the grammar applies.</summary>
    /// <value>
    /// <see langword="null"/> (the default) constrains the whole completion; otherwise the model writes freely until it produces
    /// this text, and from there on the completion must match the grammar, whose language then starts with the trigger itself.
    /// </value>
    /// <exception cref="ArgumentException">The value is empty.</exception>
    public string? Trigger
    {
        get => _trigger;
        init
        {
            if (value is { Length: 0 })
            {
                throw new ArgumentException("Trigger must be null or non-empty.", nameof(Trigger));
            }

            _trigger = value;
        }
    }

    /// <summary>Gets how many output tokens the constrained part after <see cref="Trigger"/> may need.</summary>
    /// <value>
    /// 0 (the default) reserves nothing. Otherwise free text before the trigger ends (with <see cref="GenerationFinishReason.Length"/>)
    /// once fewer tokens than this remain, so that a constrained part that starts at the trigger always has room to close.
    /// </value>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int ReservedOutputTokens
    {
        get => _reservedOutputTokens;
        init => _reservedOutputTokens = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(ReservedOutputTokens), value, "ReservedOutputTokens must not be negative.");
    }
}
