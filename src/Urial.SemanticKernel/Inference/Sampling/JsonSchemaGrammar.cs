using System.Text.Json;

namespace Urial.SemanticKernel;

/// <summary>
/// Converts JSON Schema (the subset produced by Semantic Kernel and <c>AIJsonUtilities.CreateJsonSchema</c>) into a
/// bounded llama.cpp GBNF grammar whose start rule is <c>root</c>.
/// </summary>
/// <remarks>
/// <para>Every repetition is bounded by <see cref="JsonGrammarLimits"/>, so sampling always terminates. Whitespace
/// between tokens is at most one optional space. Output is compact JSON with object properties in declaration order.</para>
/// <para>Enforcement per keyword:
/// <c>type</c> (single or array; <c>null</c> for nullable) exactly;
/// <c>properties</c>/<c>required</c>: declared properties in declaration order, required ones mandatory, optional ones optional;
/// <c>additionalProperties</c>: <c>false</c>, absent or <c>true</c> with declared properties → only declared properties
/// (a valid subset); with no declared properties → absent/<c>true</c> = any object, schema = map of that schema;
/// <c>enum</c>/<c>const</c> exactly (canonical compact JSON of each value);
/// <c>minLength</c>/<c>maxLength</c> exactly (maxLength capped by MaxStringLength);
/// <c>format</c> date (real calendar dates of years 0001–9999, as .NET's date types hold), time (<c>HH:mm:ss[.f]</c>, no offset,
/// as .NET writes TimeOnly), date-time (such a date, offset required and within ±14:00), uuid by shape;
/// other formats are treated as annotations (any string);
/// integer <c>minimum</c>/<c>maximum</c>/<c>exclusive*</c>: exact when the range has at most MaxEnumeratedIntegerRange values,
/// otherwise sign and digit counts only; number bounds: sign (minimum ≥ 0) and digit count (both bounds) only, no exponent;
/// <c>items</c>, <c>minItems</c>/<c>maxItems</c> exactly (maxItems capped by MaxArrayItems);
/// <c>anyOf</c>/<c>oneOf</c> as alternatives (oneOf exclusivity is not enforced);
/// <c>allOf</c> with a single schema; local <c>$ref</c> (<c>#</c>, <c>#/$defs/…</c>, <c>#/definitions/…</c>, any JSON pointer),
/// recursion bounded by MaxDepth; <c>pattern</c> only beside a type union that also allows non-strings (the string branch is dropped);
/// annotations (<c>description</c>, <c>title</c>, <c>default</c>, <c>$schema</c>, …) ignored.
/// Anything else throws <see cref="NotSupportedException"/> naming the keyword and its JSON pointer.</para>
/// </remarks>
internal static class JsonSchemaGrammar
{
    /// <summary>Builds a GBNF grammar (start rule <c>root</c>) for values valid under <paramref name="schema"/>.</summary>
    /// <param name="schema">A JSON Schema document (object or boolean).</param>
    /// <param name="limits">Bounds for every repetition.</param>
    /// <exception cref="NotSupportedException">The schema uses a keyword the converter does not support.</exception>
    /// <exception cref="ArgumentException">The schema is malformed.</exception>
    public static string FromSchema(JsonElement schema, JsonGrammarLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        limits.Validate();
        return new JsonSchemaConverter(schema, limits).Convert();
    }

    /// <summary>Builds a bounded GBNF grammar (start rule <c>root</c>) for any JSON object.</summary>
    /// <param name="limits">Bounds for every repetition.</param>
    public static string ForAnyJsonObject(JsonGrammarLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        limits.Validate();
        var rules = new GbnfRuleSet();
        rules.Reserve("root");
        rules.Define("root", new JsonPrimitiveRules(rules, limits).AnyObject(0));
        return rules.ToString();
    }
}
