using System.Globalization;

namespace Urial.SemanticKernel;

/// <summary>
/// The bounded GBNF building blocks for JSON values (whitespace, strings, numbers, formats and free-form values),
/// added lazily to a <see cref="GbnfRuleSet"/>.
/// </summary>
internal sealed class JsonPrimitiveRules(GbnfRuleSet rules, JsonGrammarLimits limits)
{
    /// <summary>Optional whitespace: nothing or one space, so a model cannot loop on whitespace.</summary>
    public string Ws => rules.Add("ws", "\" \"?");

    /// <summary><c>true</c> or <c>false</c>.</summary>
    public string Boolean => rules.Add("boolean", "\"true\" | \"false\"");

    /// <summary><c>null</c>.</summary>
    public string Null => rules.Add("null", "\"null\"");

    /// <summary>One JSON string character: any code point except <c>"</c>, <c>\</c> and controls, or an escape.</summary>
    public string Char => rules.Add(
        "char",
        "[^\"\\\\\\x7F\\x00-\\x1F] | \"\\\\\" ([\"\\\\/bfnrt] | \"u\" [0-9a-fA-F]{4})");

    /// <summary>A JSON string of at most <see cref="JsonGrammarLimits.MaxStringLength"/> characters.</summary>
    public string String => StringOfLength(0, limits.MaxStringLength);

    /// <summary>A JSON string of <paramref name="min"/> to <paramref name="max"/> characters.</summary>
    public string StringOfLength(int min, int max)
    {
        var hint = min == 0 && max == limits.MaxStringLength
            ? "string"
            : string.Create(CultureInfo.InvariantCulture, $"string-{min}-{max}");
        return rules.Add(hint, $"\"\\\"\" {GbnfText.Repeated(Char, min, max)} \"\\\"\"");
    }

    /// <summary>A JSON number: optional sign, bounded integer and fraction digits, optional bounded exponent.</summary>
    /// <param name="allowNegative">Whether a leading <c>-</c> is allowed.</param>
    /// <param name="integerDigits">Maximum digits before the decimal point.</param>
    /// <param name="allowExponent">Whether an exponent is allowed.</param>
    public string Number(bool allowNegative, int integerDigits, bool allowExponent)
    {
        var body = (allowNegative ? "\"-\"? " : string.Empty)
            + $"(\"0\" | [1-9] {GbnfText.Repeated("[0-9]", 0, integerDigits - 1)})";
        if (limits.MaxFractionDigits > 0)
        {
            body += $" (\".\" {GbnfText.Repeated("[0-9]", 1, limits.MaxFractionDigits)})?";
        }

        if (allowExponent && limits.MaxExponentDigits > 0)
        {
            body += $" ([eE] [-+]? {GbnfText.Repeated("[0-9]", 1, limits.MaxExponentDigits)})?";
        }

        var isDefault = allowNegative && allowExponent && integerDigits == limits.MaxIntegerDigits;
        return rules.Add(isDefault ? "number" : "number-bounded", body);
    }

    /// <summary>A JSON integer without range constraints (up to <see cref="JsonGrammarLimits.MaxIntegerDigits"/> digits).</summary>
    public string Integer => rules.Add(
        "integer",
        $"\"-\"? (\"0\" | [1-9] {GbnfText.Repeated("[0-9]", 0, limits.MaxIntegerDigits - 1)})");

    /// <summary>A string in the given <c>format</c>, or null when the format is not constrained.</summary>
    public string? Format(string format)
    {
        switch (format)
        {
            case "date":
                return rules.Add("date", $"\"\\\"\" {DateCore} \"\\\"\"");
            case "time":
                return rules.Add("time", $"\"\\\"\" {TimeCore} \"\\\"\"");
            case "date-time":
                return rules.Add("date-time", $"\"\\\"\" {DateCore} \"T\" {TimeCore} {TimeOffset} \"\\\"\"");
            case "uuid":
                return rules.Add(
                    "uuid",
                    "\"\\\"\" [0-9a-fA-F]{8} \"-\" [0-9a-fA-F]{4} \"-\" [0-9a-fA-F]{4} \"-\" [0-9a-fA-F]{4} \"-\" [0-9a-fA-F]{12} \"\\\"\"");
            default:
                return null;
        }
    }

    /// <summary>
    /// A calendar date <c>YYYY-MM-DD</c> (RFC 3339 full-date): years 0001–9999 (the range .NET's date types hold),
    /// days within the month's length, February 29 in leap years only.
    /// </summary>
    private string DateCore => rules.Add(
        "date-core",
        $"{Year} \"-\" ({MonthDay}) | {LeapYear} \"-02-29\"");

    private string Year => rules.Add(
        "year",
        "[1-9] [0-9]{3} | \"0\" [1-9] [0-9]{2} | \"00\" [1-9] [0-9] | \"000\" [1-9]");

    // Years divisible by 4 but not by 100, or divisible by 400 (0000 excluded).
    private string LeapYear => rules.Add(
        "leap-year",
        "[0-9]{2} (\"0\" [48] | [2468] [048] | [13579] [26]) | (\"0\" [48] | [2468] [048] | [13579] [26]) \"00\"");

    private string MonthDay => rules.Add(
        "month-day",
        "(\"0\" [13578] | \"1\" [02]) \"-\" (\"0\" [1-9] | [12] [0-9] | \"3\" [01])"
        + " | (\"0\" [469] | \"11\") \"-\" (\"0\" [1-9] | [12] [0-9] | \"30\")"
        + " | \"02-\" (\"0\" [1-9] | \"1\" [0-9] | \"2\" [0-8])");

    private string TimeCore => rules.Add(
        "time-core",
        "([01] [0-9] | \"2\" [0-3]) \":\" [0-5] [0-9] \":\" [0-5] [0-9] (\".\" [0-9]{1,7})?");

    private string TimeOffset => rules.Add(
        "time-offset",
        "\"Z\" | [+-] ((\"0\" [0-9] | \"1\" [0-3]) \":\" [0-5] [0-9] | \"14:00\")"); // .NET's DateTimeOffset holds ±14:00 at most

    /// <summary>Any JSON value at container nesting <paramref name="depth"/>; containers only while depth &lt; MaxDepth.</summary>
    public string AnyValue(int depth)
    {
        var scalars = $"{String} | {Number(true, limits.MaxIntegerDigits, true)} | {Boolean} | {Null}";
        if (depth >= limits.MaxDepth)
        {
            return rules.Add("scalar", scalars);
        }

        return rules.Add(
            D("value", depth),
            $"{AnyObject(depth)} | {AnyArray(depth)} | {scalars}");
    }

    /// <summary>Any JSON object at nesting <paramref name="depth"/> (which must be below MaxDepth).</summary>
    public string AnyObject(int depth) => MapObject(depth, AnyValue(depth + 1), "object");

    /// <summary>An object with arbitrary keys whose values match <paramref name="valueRule"/>, at most MaxObjectProperties of them.</summary>
    public string MapObject(int depth, string valueRule, string hint)
    {
        var ws = Ws;
        var member = $"{String} {ws} \":\" {ws} {valueRule}";
        var members = $"({member} {GbnfText.Repeated($"({ws} \",\" {ws} {member})", 0, limits.MaxObjectProperties - 1)})?";
        return rules.Add(D(hint, depth), $"\"{{\" {ws} {members} {ws} \"}}\"");
    }

    /// <summary>Any JSON array at nesting <paramref name="depth"/> (which must be below MaxDepth).</summary>
    public string AnyArray(int depth) => Array(AnyValue(depth + 1), 0, limits.MaxArrayItems, D("array", depth));

    /// <summary>An array of <paramref name="min"/>..<paramref name="max"/> items matching <paramref name="itemRule"/> (null = no item possible).</summary>
    public string Array(string? itemRule, int min, int max, string hint)
    {
        var ws = Ws;
        string body;
        if (itemRule is null || max == 0)
        {
            body = $"\"[\" {ws} \"]\"";
        }
        else
        {
            var more = GbnfText.Repeated($"({ws} \",\" {ws} {itemRule})", Math.Max(0, min - 1), max - 1);
            body = min == 0
                ? $"\"[\" {ws} ({itemRule} {more})? {ws} \"]\""
                : $"\"[\" {ws} {itemRule} {more} {ws} \"]\"";
        }

        return rules.Add(hint, body);
    }

    private static string D(string name, int depth) =>
        string.Create(CultureInfo.InvariantCulture, $"{name}-{depth}");
}
