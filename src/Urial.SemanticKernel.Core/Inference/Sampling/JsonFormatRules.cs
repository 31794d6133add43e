namespace Urial.SemanticKernel;

/// <summary>
/// Grammars for the string <c>format</c>s the converter enforces: each one generates only strings that JSON Schema
/// validators accept for that format (a subset where the full syntax is too large for a grammar). Other formats are
/// enforced after decoding.
/// </summary>
internal sealed class JsonFormatRules(GbnfRuleSet rules, JsonGrammarLimits limits)
{
    /// <summary>The formats with a grammar.</summary>
    public static readonly IReadOnlySet<string> Known = new HashSet<string>(StringComparer.Ordinal) { "date", "time", "date-time", "uuid", "email", "uri", "ipv4" };

    /// <summary>A JSON string in <paramref name="format"/>, or null when the format has no grammar.</summary>
    public string? For(string format) => format switch
    {
        "date" => Quoted("date", DateCore),
        "time" => Quoted("time", $"{TimeCore} {TimeOffset}"),
        "date-time" => Quoted("date-time", $"{DateCore} \"T\" {TimeCore} {TimeOffset}"),
        "uuid" => Quoted("uuid", "[0-9a-fA-F]{8} \"-\" [0-9a-fA-F]{4} \"-\" [0-9a-fA-F]{4} \"-\" [0-9a-fA-F]{4} \"-\" [0-9a-fA-F]{12}"),
        "email" => Quoted("email", $"{Word} (\".\" {Word})? \"@\" {Word} \".\" [a-z]{{2,6}}"),
        "uri" => Quoted("uri", $"\"http\" \"s\"? \"://\" {Word} (\".\" {Word})? (\"/\" {Word})?"),
        "ipv4" => Quoted("ipv4", $"{Octet} \".\" {Octet} \".\" {Octet} \".\" {Octet}"),
        _ => null,
    };

    private string Quoted(string name, string body) => rules.Add(name, $"\"\\\"\" {body} \"\\\"\"");

    // A lowercase word whose length follows the string limit (1..16 characters), so budgets shrink formats too.
    private string Word => rules.Add("format-word", $"[a-z0-9]{{1,{Math.Clamp(limits.MaxStringLength / 4, 1, 16)}}}");

    private string Octet => rules.Add("octet", "\"25\" [0-5] | \"2\" [0-4] [0-9] | \"1\" [0-9] [0-9] | [1-9] [0-9] | [0-9]");

    /// <summary>
    /// A calendar date <c>YYYY-MM-DD</c> (RFC 3339 full-date): years 0001–9999 (the range .NET's date types hold),
    /// days within the month's length, February 29 in leap years only.
    /// </summary>
    private string DateCore => rules.Add("date-core", $"{Year} \"-\" ({MonthDay}) | {LeapYear} \"-02-29\"");

    private string Year => rules.Add("year", "[1-9] [0-9]{3} | \"0\" [1-9] [0-9]{2} | \"00\" [1-9] [0-9] | \"000\" [1-9]");

    // Years divisible by 4 but not by 100, or divisible by 400 (0000 excluded).
    private string LeapYear => rules.Add(
        "leap-year",
        "[0-9]{2} (\"0\" [48] | [2468] [048] | [13579] [26]) | (\"0\" [48] | [2468] [048] | [13579] [26]) \"00\"");

    private string MonthDay => rules.Add(
        "month-day",
        "(\"0\" [13578] | \"1\" [02]) \"-\" (\"0\" [1-9] | [12] [0-9] | \"3\" [01])"
        + " | (\"0\" [469] | \"11\") \"-\" (\"0\" [1-9] | [12] [0-9] | \"30\")"
        + " | \"02-\" (\"0\" [1-9] | \"1\" [0-9] | \"2\" [0-8])");

    // RFC 3339 partial-time without leap seconds (.NET cannot hold :60), up to 7 fraction digits (.NET's precision).
    private string TimeCore => rules.Add("time-core", "([01] [0-9] | \"2\" [0-3]) \":\" [0-5] [0-9] \":\" [0-5] [0-9] (\".\" [0-9]{1,7})?");

    // RFC 3339 time-offset, within ±14:00 (what .NET's DateTimeOffset holds).
    private string TimeOffset => rules.Add("time-offset", "\"Z\" | [+-] ((\"0\" [0-9] | \"1\" [0-3]) \":\" [0-5] [0-9] | \"14:00\")");
}
