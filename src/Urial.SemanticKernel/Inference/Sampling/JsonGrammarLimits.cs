namespace Urial.SemanticKernel;

/// <summary>
/// Upper bounds applied by <see cref="JsonSchemaGrammar"/> to every repetition in a generated GBNF grammar, so that
/// sampling under the grammar always reaches an accepting state in a bounded number of characters.
/// </summary>
/// <param name="MaxStringLength">Maximum number of characters in a JSON string (a schema's <c>maxLength</c> is capped to it).</param>
/// <param name="MaxArrayItems">Maximum number of items in a JSON array (a schema's <c>maxItems</c> is capped to it).</param>
/// <param name="MaxObjectProperties">Maximum number of properties in a free-form object (one without declared properties).</param>
/// <param name="MaxDepth">Maximum number of nested containers (objects/arrays); bounds recursive <c>$ref</c>s and free-form values.</param>
/// <param name="MaxIntegerDigits">Maximum number of digits in an integer, or in the integer part of a number.</param>
/// <param name="MaxFractionDigits">Maximum number of digits after the decimal point of a number.</param>
/// <param name="MaxExponentDigits">Maximum number of digits in a number's exponent (0 = no exponent).</param>
/// <param name="MaxEnumeratedIntegerRange">An integer schema whose <c>minimum</c>..<c>maximum</c> range has at most this many values is emitted
/// as an exact list of alternatives (exact range enforcement); wider ranges only get sign and digit-count enforcement.</param>
internal sealed record JsonGrammarLimits(
    int MaxStringLength = 256,
    int MaxArrayItems = 16,
    int MaxObjectProperties = 16,
    int MaxDepth = 6,
    int MaxIntegerDigits = 15,
    int MaxFractionDigits = 8,
    int MaxExponentDigits = 2,
    int MaxEnumeratedIntegerRange = 64)
{
    /// <summary>llama.cpp rejects <c>{m,n}</c> repetitions above this count (MAX_REPETITION_THRESHOLD).</summary>
    internal const int NativeRepetitionThreshold = 2000;

    /// <summary>The longest string bound accepted: <c>char{1500,2000}</c> was measured to fail llama.cpp's parser, <c>{0,1000}</c> parses.</summary>
    internal const int MaxStringLengthLimit = 1000;

    /// <summary>The default limits.</summary>
    public static JsonGrammarLimits Default { get; } = new();

    /// <summary>Throws when a limit is outside the range the converter and llama.cpp can handle.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A limit is out of range.</exception>
    public void Validate()
    {
        Check(MaxStringLength, 1, MaxStringLengthLimit, nameof(MaxStringLength));
        Check(MaxArrayItems, 1, NativeRepetitionThreshold, nameof(MaxArrayItems));
        Check(MaxObjectProperties, 1, NativeRepetitionThreshold, nameof(MaxObjectProperties));
        Check(MaxDepth, 0, 64, nameof(MaxDepth));
        Check(MaxIntegerDigits, 1, 308, nameof(MaxIntegerDigits));
        Check(MaxFractionDigits, 0, 308, nameof(MaxFractionDigits));
        Check(MaxExponentDigits, 0, 3, nameof(MaxExponentDigits));
        Check(MaxEnumeratedIntegerRange, 0, 1024, nameof(MaxEnumeratedIntegerRange));
    }

    private static void Check(int value, int min, int max, string name)
    {
        if (value < min || value > max)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be between {min} and {max}.");
        }
    }
}
