namespace Urial.SemanticKernel;

/// <summary>
/// Upper bounds applied by <see cref="JsonSchemaGrammar"/> to every repetition in a generated GBNF grammar, so that
/// sampling under the grammar always reaches an accepting state in a bounded number of characters.
/// </summary>
/// <param name="MaxStringLength">Maximum number of characters in a JSON string (a schema's <c>maxLength</c> is capped to it; 0 allows only
/// strings of exactly <c>minLength</c>).</param>
/// <param name="MaxArrayItems">Maximum number of items in a JSON array (a schema's <c>maxItems</c> is capped to it, never below <c>minItems</c>).</param>
/// <param name="MaxObjectProperties">Maximum number of properties in a free-form object or a map (one without declared properties).</param>
/// <param name="MaxDepth">Maximum number of nested containers (objects/arrays); bounds recursive <c>$ref</c>s and free-form values.</param>
/// <param name="MaxIntegerDigits">Maximum number of digits in an integer, or in the integer part of a number, unless a bound needs more.</param>
/// <param name="MaxFractionDigits">Maximum number of digits after the decimal point of a number.</param>
/// <param name="Whitespace">Whether one optional space may separate JSON tokens (compact JSON only when false).</param>
/// <param name="OptionalProperties">Whether declared properties that are not required may be generated (false only when an output budget is very tight).</param>
internal sealed record JsonGrammarLimits(
    int MaxStringLength = 256,
    int MaxArrayItems = 16,
    int MaxObjectProperties = 16,
    int MaxDepth = 6,
    int MaxIntegerDigits = 15,
    int MaxFractionDigits = 8,
    bool Whitespace = true,
    bool OptionalProperties = true)
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
        Check(MaxStringLength, 0, MaxStringLengthLimit, nameof(MaxStringLength));
        Check(MaxArrayItems, 0, NativeRepetitionThreshold, nameof(MaxArrayItems));
        Check(MaxObjectProperties, 0, NativeRepetitionThreshold, nameof(MaxObjectProperties));
        Check(MaxDepth, 0, JsonSchemaBounds.MaxSchemaNesting, nameof(MaxDepth));
        Check(MaxIntegerDigits, 1, 28, nameof(MaxIntegerDigits));
        Check(MaxFractionDigits, 0, 28, nameof(MaxFractionDigits));
    }

    private static void Check(int value, int min, int max, string name)
    {
        if (value < min || value > max)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be between {min} and {max}.");
        }
    }
}
