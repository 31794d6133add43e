using System.Globalization;

namespace Urial.SemanticKernel;

/// <summary>
/// Exact GBNF for integer ranges, digit by digit (the technique of llama.cpp's <c>json-schema-to-grammar</c>): every
/// integer in <c>[min, max]</c> and nothing else, in canonical form (no leading zeros, no <c>-0</c>). Each step of the
/// recursion is its own rule, so the grammar's group nesting stays flat however many digits the bounds have.
/// </summary>
internal sealed class IntegerRangeRules(GbnfRuleSet rules)
{
    /// <summary>Returns a rule matching exactly the integers in <c>[min, max]</c> (<paramref name="min"/> ≤ <paramref name="max"/>).</summary>
    public string Range(decimal min, decimal max)
    {
        if (max < 0)
        {
            return rules.Add("int-neg", $"\"-\" {NonNegative(-max, -min)}");
        }

        if (min < 0)
        {
            return rules.Add("int", $"\"-\" {NonNegative(1, -min)} | {NonNegative(0, max)}");
        }

        return NonNegative(min, max);
    }

    /// <summary>The canonical decimal text of an integer-valued decimal.</summary>
    public static string Text(decimal value) => decimal.Truncate(value).ToString("0", CultureInfo.InvariantCulture);

    /// <summary>The number of decimal digits of a non-negative integer.</summary>
    public static int Digits(decimal nonNegative) => Text(nonNegative).Length;

    /// <summary>10^<paramref name="digits"/> − 1: the largest integer with that many digits.</summary>
    public static decimal Nines(int digits) => decimal.Parse(new string('9', digits), CultureInfo.InvariantCulture);

    private string NonNegative(decimal min, decimal max)
    {
        var alternatives = new List<string>();
        var low = Text(min);
        var high = Text(max);
        for (var digits = low.Length; digits <= high.Length; digits++)
        {
            var from = digits == low.Length ? low : "1" + new string('0', digits - 1);
            var to = digits == high.Length ? high : new string('9', digits);
            alternatives.Add(SameLength(from, to));
        }

        return alternatives.Count == 1 ? alternatives[0] : rules.Add("int-range", string.Join(" | ", alternatives));
    }

    /// <summary>Digit strings of one length between <paramref name="from"/> and <paramref name="to"/> (leading zeros allowed inside).</summary>
    private string SameLength(string from, string to)
    {
        var common = 0;
        while (common < from.Length && from[common] == to[common])
        {
            common++;
        }

        var prefix = common > 0 ? GbnfText.Literal(from[..common]) : string.Empty;
        if (common == from.Length)
        {
            return rules.Add("int-lit", prefix);
        }

        var x = from[common];
        var y = to[common];
        var rest = from.Length - common - 1;
        if (rest == 0)
        {
            return rules.Add("int-digits", $"{prefix} {Digit(x, y)}".Trim());
        }

        var fromRest = from[(common + 1)..];
        var toRest = to[(common + 1)..];
        var lowIsZeros = fromRest.All(c => c == '0');
        var highIsNines = toRest.All(c => c == '9');
        var alternatives = new List<string>();
        if (!lowIsZeros)
        {
            alternatives.Add($"{Digit(x, x)} {SameLength(fromRest, new string('9', rest))}");
        }

        var first = lowIsZeros ? x : (char)(x + 1);
        var last = highIsNines ? y : (char)(y - 1);
        if (first <= last)
        {
            alternatives.Add($"{Digit(first, last)} {GbnfText.Repeated("[0-9]", rest, rest)}");
        }

        if (!highIsNines)
        {
            alternatives.Add($"{Digit(y, y)} {SameLength(new string('0', rest), toRest)}");
        }

        var choice = alternatives.Count == 1 ? alternatives[0] : $"({string.Join(" | ", alternatives)})";
        return rules.Add("int-digits", $"{prefix} {choice}".Trim());
    }

    private static string Digit(char from, char to) => from == to ? $"[{from}]" : $"[{from}-{to}]";
}
