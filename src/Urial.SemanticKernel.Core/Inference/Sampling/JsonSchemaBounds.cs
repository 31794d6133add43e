namespace Urial.SemanticKernel;

/// <summary>
/// Fixed bounds on the JSON schemas the converter walks and on the grammars it writes: every recursion over caller data
/// is bounded here, so a hostile or accidental schema (a 5,000-link <c>$ref</c> chain, a 10,000-level nesting) fails
/// with an <see cref="ArgumentException"/> that names the limit and where it was hit, never with a stack overflow.
/// </summary>
internal static class JsonSchemaBounds
{
    /// <summary>The deepest nesting of subschemas (and of <c>$ref</c>s followed) the converter walks at once.</summary>
    public const int MaxSchemaNesting = 64;

    /// <summary>The longest chain of <c>$ref</c>s followed without an enclosing object or array in between.</summary>
    public const int MaxRefChain = 32;

    /// <summary>The most subschema visits one conversion makes (bounds schemas whose references fan out).</summary>
    public const int MaxSchemaVisits = 20_000;

    /// <summary>The deepest nesting of a literal value (<c>enum</c>, <c>const</c>) written into a grammar.</summary>
    public const int MaxLiteralDepth = 64;

    /// <summary>The most rules one generated grammar may have (the managed GBNF checker's bound is 2,000).</summary>
    public const int MaxGrammarRules = 1_900;

    /// <summary>The most characters one generated grammar may have (the managed GBNF checker's bound is 256 KB).</summary>
    public const int MaxGrammarLength = 240 * 1024;

    /// <summary>The longest <c>pattern</c> the converter translates; longer ones are enforced after decoding.</summary>
    public const int MaxPatternLength = 1_000;

    /// <summary>Creates the exception for a schema that exceeds a bound.</summary>
    /// <param name="limit">The bound's name and value, e.g. <c>MaxRefChain = 32</c>.</param>
    /// <param name="pointer">The JSON pointer where it was exceeded.</param>
    /// <param name="what">What exceeded it.</param>
    public static ArgumentException Exceeded(string limit, string pointer, string what) =>
        new($"The JSON schema is too complex for a grammar: {what} at '{pointer}' exceeds {limit}. Simplify the schema (inline or shorten the $ref chain, flatten the nesting).");
}
