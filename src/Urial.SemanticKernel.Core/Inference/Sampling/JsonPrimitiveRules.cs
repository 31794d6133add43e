using System.Globalization;

namespace Urial.SemanticKernel;

/// <summary>
/// The bounded GBNF building blocks for JSON values (whitespace, strings, numbers and free-form values), added lazily
/// to a <see cref="GbnfRuleSet"/>.
/// </summary>
/// <remarks>
/// Strings are written in raw UTF-8 with the two-character escapes (<c>\" \\ \/ \b \f \n \r \t</c>): every Unicode
/// scalar value can be written that way except the other C0 control characters, which need <c>\u</c> escapes and are
/// not generated. A character is therefore at most 4 bytes, which keeps the worst-case length of an answer small
/// enough to plan within an output budget.
/// </remarks>
internal sealed class JsonPrimitiveRules(GbnfRuleSet rules, JsonGrammarLimits limits)
{
    /// <summary>Optional whitespace between tokens: one optional space, or nothing when the limits ask for compact JSON.</summary>
    public string Ws => limits.Whitespace ? rules.Add("ws", "\" \"?") : string.Empty;

    /// <summary><c>true</c> or <c>false</c>.</summary>
    public string Boolean => rules.Add("boolean", "\"true\" | \"false\"");

    /// <summary><c>null</c>.</summary>
    public string Null => rules.Add("null", "\"null\"");

    /// <summary>One JSON string character: any code point except <c>"</c>, <c>\</c> and controls, or a two-character escape.</summary>
    public string Char => rules.Add("char", "[^\"\\\\\\x00-\\x1F] | \"\\\\\" [\"\\\\/bfnrt]");

    /// <summary>A JSON string of at most <see cref="JsonGrammarLimits.MaxStringLength"/> characters.</summary>
    public string String => StringOfLength(0, limits.MaxStringLength);

    /// <summary>A JSON string of <paramref name="min"/> to <paramref name="max"/> characters (code points, as JSON Schema counts).</summary>
    public string StringOfLength(int min, int max)
    {
        var hint = min == 0 && max == limits.MaxStringLength
            ? "string"
            : string.Create(CultureInfo.InvariantCulture, $"string-{min}-{max}");
        var chars = GbnfText.Repeated(Char, min, max);
        return rules.Add(hint, $"\"\\\"\" {chars} \"\\\"\"".Replace("  ", " ", StringComparison.Ordinal));
    }

    /// <summary>A JSON number in plain decimal notation: optional sign, bounded integer and fraction digits, no exponent.</summary>
    public string Number => rules.Add(
        "number",
        $"\"-\"? (\"0\" | [1-9] {GbnfText.Repeated("[0-9]", 0, limits.MaxIntegerDigits - 1)})"
        + (limits.MaxFractionDigits > 0 ? $" (\".\" {GbnfText.Repeated("[0-9]", 1, limits.MaxFractionDigits)})?" : string.Empty));

    /// <summary>A JSON integer without range constraints (up to <see cref="JsonGrammarLimits.MaxIntegerDigits"/> digits).</summary>
    public string Integer => rules.Add(
        "integer",
        $"\"-\"? (\"0\" | [1-9] {GbnfText.Repeated("[0-9]", 0, limits.MaxIntegerDigits - 1)})");

    /// <summary>Any JSON value at container nesting <paramref name="depth"/>; containers only while depth &lt; MaxDepth.</summary>
    public string AnyValue(int depth)
    {
        var scalars = $"{String} | {Number} | {Boolean} | {Null}";
        if (depth >= limits.MaxDepth)
        {
            return rules.Add("scalar", scalars);
        }

        return rules.Add(D("value", depth), $"{AnyObject(depth)} | {AnyArray(depth)} | {scalars}");
    }

    /// <summary>Any JSON object at nesting <paramref name="depth"/> (which must be below MaxDepth).</summary>
    public string AnyObject(int depth) => MapObject(depth, AnyValue(depth + 1), "object", 0, limits.MaxObjectProperties);

    /// <summary>An object with arbitrary keys whose values match <paramref name="valueRule"/>, <paramref name="min"/>..<paramref name="max"/> of them.</summary>
    public string MapObject(int depth, string valueRule, string hint, int min, int max)
    {
        var ws = Ws;
        var member = $"{String} {ws} \":\" {ws} {valueRule}";
        return rules.Add(D(hint, depth), $"\"{{\" {ws} {Separated(member, min, max)} {ws} \"}}\"");
    }

    /// <summary>Any JSON array at nesting <paramref name="depth"/> (which must be below MaxDepth).</summary>
    public string AnyArray(int depth) => Array([], AnyValue(depth + 1), 0, limits.MaxArrayItems, D("array", depth));

    /// <summary>
    /// An array whose first items match <paramref name="prefix"/> in order and further ones <paramref name="itemRule"/> (null = none),
    /// <paramref name="min"/>..<paramref name="max"/> items in all.
    /// </summary>
    public string Array(IReadOnlyList<string> prefix, string? itemRule, int min, int max, string hint)
    {
        var ws = Ws;
        var taken = Math.Min(prefix.Count, max);
        string body;
        if (taken == 0)
        {
            body = itemRule is null ? string.Empty : Separated(itemRule, min, max);
        }
        else
        {
            // From the last tuple item back: an item at or beyond minItems is optional, and so is everything after it.
            var tail = itemRule is null || max == taken
                ? string.Empty
                : GbnfText.Repeated($"({ws} \",\" {ws} {itemRule})", Math.Max(0, min - taken), max - taken);
            for (var i = taken - 1; i >= 0; i--)
            {
                var element = i == 0 ? prefix[0] : $"{ws} \",\" {ws} {prefix[i]}";
                var sequence = $"{element} {tail}".Trim();
                tail = i >= min ? rules.Add(hint + "-tuple", $"({sequence})?") : sequence;
            }

            body = tail;
        }

        return rules.Add(hint, $"\"[\" {ws} {body} {ws} \"]\"");
    }

    /// <summary><paramref name="item"/> repeated <paramref name="min"/>..<paramref name="max"/> times, separated by commas.</summary>
    public string Separated(string item, int min, int max)
    {
        if (max == 0)
        {
            return string.Empty;
        }

        var ws = Ws;
        var more = GbnfText.Repeated($"({ws} \",\" {ws} {item})", Math.Max(0, min - 1), max - 1);
        return min == 0 ? $"({item} {more})?" : $"{item} {more}";
    }

    private static string D(string name, int depth) => string.Create(CultureInfo.InvariantCulture, $"{name}-{depth}");
}
