using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Urial.SemanticKernel;

/// <summary>
/// Decides whether an enumerated value (<c>enum</c>, <c>const</c>) also satisfies its schema's other local keywords,
/// so the grammar lists only values the schema accepts (<c>enum ["a","bbbb"]</c> with <c>maxLength 2</c> is just "a").
/// Keywords not checked here stay enforced after decoding.
/// </summary>
internal static class JsonValueFilter
{
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(200);

    /// <summary>Whether <paramref name="value"/> satisfies the type, length, bound, <c>multipleOf</c>, <c>pattern</c> and <c>not</c>-enumeration keywords of <paramref name="schema"/>.</summary>
    public static bool Satisfies(JsonElement value, JsonElement schema, List<string>? types) =>
        MatchesTypes(value, types)
        && value.ValueKind switch
        {
            JsonValueKind.String => StringSatisfies(value.GetString()!, schema),
            JsonValueKind.Number => NumberSatisfies(value, schema),
            JsonValueKind.Array => Within(value.GetArrayLength(), schema, "minItems", "maxItems"),
            JsonValueKind.Object => Within(value.EnumerateObject().Count(), schema, "minProperties", "maxProperties"),
            _ => true,
        }
        && !IsDenied(value, schema);

    private static bool MatchesTypes(JsonElement value, List<string>? types) =>
        types is null || types.Any(t => t switch
        {
            "string" => value.ValueKind == JsonValueKind.String,
            "number" => value.ValueKind == JsonValueKind.Number,
            "integer" => value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var d) && decimal.Truncate(d) == d,
            "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
            "null" => value.ValueKind == JsonValueKind.Null,
            "object" => value.ValueKind == JsonValueKind.Object,
            "array" => value.ValueKind == JsonValueKind.Array,
            _ => false,
        });

    private static bool StringSatisfies(string text, JsonElement schema)
    {
        var length = text.EnumerateRunes().Count(); // JSON Schema counts code points
        if (!Within(length, schema, "minLength", "maxLength"))
        {
            return false;
        }

        if (schema.TryGetProperty("pattern", out var pattern) && pattern.ValueKind == JsonValueKind.String)
        {
            try
            {
                return new Regex(pattern.GetString()!, RegexOptions.ECMAScript, RegexTimeout).IsMatch(text);
            }
            catch (Exception exception) when (exception is ArgumentException or RegexMatchTimeoutException)
            {
                return true; // not decidable here: enforced after decoding
            }
        }

        return true;
    }

    private static bool NumberSatisfies(JsonElement value, JsonElement schema)
    {
        if (!value.TryGetDecimal(out var number))
        {
            return true;
        }

        bool Check(string keyword, Func<decimal, bool> test) =>
            !schema.TryGetProperty(keyword, out var bound) || !bound.TryGetDecimal(out var b) || test(b);

        return Check("minimum", b => number >= b)
            && Check("maximum", b => number <= b)
            && Check("exclusiveMinimum", b => number > b)
            && Check("exclusiveMaximum", b => number < b)
            && Check("multipleOf", b => b <= 0 || decimal.Remainder(number, b) == 0);
    }

    private static bool Within(int count, JsonElement schema, string minKeyword, string maxKeyword) =>
        (!schema.TryGetProperty(minKeyword, out var min) || !min.TryGetDecimal(out var lo) || count >= lo)
        && (!schema.TryGetProperty(maxKeyword, out var max) || !max.TryGetDecimal(out var hi) || count <= hi);

    /// <summary><c>not: {enum: […]}</c> or <c>not: {const: …}</c> (what <c>[DeniedValues]</c> produces).</summary>
    private static bool IsDenied(JsonElement value, JsonElement schema)
    {
        if (!schema.TryGetProperty("not", out var not) || not.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        var canonical = JsonLiteral.Canonical(value);
        if (not.TryGetProperty("const", out var constant) && JsonLiteral.Canonical(constant) == canonical)
        {
            return true;
        }

        return not.TryGetProperty("enum", out var denied) && denied.ValueKind == JsonValueKind.Array
            && denied.EnumerateArray().Any(d => string.Equals(JsonLiteral.Canonical(d), canonical, StringComparison.Ordinal)
                || (d.ValueKind == JsonValueKind.Number && value.ValueKind == JsonValueKind.Number && d.TryGetDecimal(out var x) && value.TryGetDecimal(out var y) && x == y));
    }
}
