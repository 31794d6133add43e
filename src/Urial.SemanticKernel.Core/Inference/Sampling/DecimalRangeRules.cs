using System.Globalization;

namespace Urial.SemanticKernel;

/// <summary>
/// Exact GBNF for bounded JSON numbers written in plain decimal notation with at most <c>fractionDigits</c> digits
/// after the point: every such number in the range and nothing else. The integer part is split into the bounds'
/// own integer parts (whose fractions are then constrained digit by digit) and the integers strictly between them.
/// </summary>
internal sealed class DecimalRangeRules(GbnfRuleSet rules, IntegerRangeRules integers, int fractionDigits)
{
    /// <summary>Returns a rule for the numbers between <paramref name="lower"/> and <paramref name="upper"/>, or null when there are none.</summary>
    public string? Range(NumericBound lower, NumericBound upper)
    {
        if (upper.Value < 0 || (upper.Value == 0 && upper.Exclusive))
        {
            // Only negative numbers: "-" then magnitudes in (|upper|, |lower|), bounds mirrored.
            var magnitude = NonNegative(new NumericBound(-upper.Value, upper.Exclusive || upper.Value == 0), new NumericBound(-lower.Value, lower.Exclusive));
            return magnitude is null ? null : rules.Add("number-neg", $"\"-\" {magnitude}");
        }

        if (lower.Value >= 0)
        {
            return NonNegative(lower, upper);
        }

        var negative = NonNegative(new NumericBound(0, true), new NumericBound(-lower.Value, lower.Exclusive));
        var positive = NonNegative(new NumericBound(0, false), upper);
        var alternatives = new[] { negative is null ? null : $"\"-\" {negative}", positive }.OfType<string>().ToList();
        return alternatives.Count == 0 ? null : rules.Add("number-range", string.Join(" | ", alternatives));
    }

    private string? NonNegative(NumericBound lower, NumericBound upper)
    {
        var lowInt = decimal.Truncate(lower.Value);
        var highInt = decimal.Truncate(upper.Value);
        var lowFraction = (FractionDigits(lower.Value), lower.Exclusive);
        var highFraction = (FractionDigits(upper.Value), upper.Exclusive);
        var alternatives = new List<string>();
        if (lowInt == highInt)
        {
            alternatives.AddIfNotNull(WithFraction(lowInt, Fraction(lowFraction, highFraction, fractionDigits)));
        }
        else
        {
            alternatives.AddIfNotNull(WithFraction(lowInt, Fraction(lowFraction, null, fractionDigits)));
            if (lowInt + 1 <= highInt - 1)
            {
                var middle = integers.Range(lowInt + 1, highInt - 1);
                alternatives.Add(fractionDigits > 0 ? $"{middle} (\".\" {GbnfText.Repeated("[0-9]", 1, fractionDigits)})?" : middle);
            }

            alternatives.AddIfNotNull(WithFraction(highInt, Fraction(null, highFraction, fractionDigits)));
        }

        return alternatives.Count == 0 ? null : rules.Add("number-part", string.Join(" | ", alternatives));
    }

    private static string? WithFraction(decimal integer, (string? Rule, bool EmptyAllowed) fraction)
    {
        var text = GbnfText.Literal(IntegerRangeRules.Text(integer));
        return fraction switch
        {
            (null, false) => null,
            (null, true) => text,
            ({ } rule, false) => $"{text} \".\" {rule}",
            ({ } rule, true) => $"{text} (\".\" {rule})?",
        };
    }

    /// <summary>
    /// Digit strings <c>u</c> of at most <paramref name="length"/> digits with <c>0.lower ≤ 0.u ≤ 0.upper</c> (strict where the bound
    /// says so; a null bound is open). Returns a rule for the non-empty strings (null if none) and whether the empty string (value 0) qualifies.
    /// </summary>
    private (string? Rule, bool EmptyAllowed) Fraction((string Digits, bool Strict)? lower, (string Digits, bool Strict)? upper, int length)
    {
        var emptyAllowed = (lower is null || (lower.Value.Digits.Length == 0 && !lower.Value.Strict))
            && (upper is null || upper.Value.Digits.Length > 0 || !upper.Value.Strict);
        if (length == 0)
        {
            return (null, emptyAllowed);
        }

        if (lower is null && upper is null)
        {
            // Unconstrained: one rule, no recursion (it would branch ten ways per digit).
            return (rules.Add("digits", GbnfText.Repeated("[0-9]", 1, length)), true);
        }

        // Branches by first digit: digits with the same continuation are merged into one class.
        var branches = new List<(char From, char To, string Tail)>();
        for (var d = '0'; d <= '9'; d++)
        {
            if (!TryNext(lower, d, isLower: true, out var nextLower) || !TryNext(upper, d, isLower: false, out var nextUpper))
            {
                continue;
            }

            var (rule, empty) = Fraction(nextLower, nextUpper, length - 1);
            var tail = (rule, empty) switch
            {
                (null, false) => null,
                (null, true) => string.Empty,
                ({ } r, false) => r,
                ({ } r, true) => r + "?",
            };
            if (tail is null)
            {
                continue;
            }

            if (branches.Count > 0 && branches[^1].Tail == tail && branches[^1].To == d - 1)
            {
                branches[^1] = (branches[^1].From, d, tail);
            }
            else
            {
                branches.Add((d, d, tail));
            }
        }

        if (branches.Count == 0)
        {
            return (null, emptyAllowed);
        }

        var body = string.Join(" | ", branches.Select(b => (b.From == b.To ? $"[{b.From}]" : $"[{b.From}-{b.To}]") + (b.Tail.Length > 0 ? " " + b.Tail : string.Empty)));
        return (rules.Add("fraction", body), emptyAllowed);
    }

    /// <summary>Finds the bound on the digits after digit <paramref name="d"/> (null = open); false when <paramref name="d"/> violates the bound.</summary>
    private static bool TryNext((string Digits, bool Strict)? bound, char d, bool isLower, out (string Digits, bool Strict)? next)
    {
        next = null;
        if (bound is not { } b)
        {
            return true;
        }

        var first = b.Digits.Length > 0 ? b.Digits[0] : '0';
        if (d == first)
        {
            next = (b.Digits.Length > 0 ? b.Digits[1..] : string.Empty, b.Strict);
            return true;
        }

        return isLower ? d > first : d < first;
    }

    /// <summary>The digits after the decimal point, without trailing zeros.</summary>
    private static string FractionDigits(decimal value)
    {
        var text = (value - decimal.Truncate(value)).ToString("0.############################", CultureInfo.InvariantCulture);
        return text.Length > 2 ? text[2..].TrimEnd('0') : string.Empty;
    }
}

/// <summary>List helpers for the grammar builders.</summary>
internal static class GrammarListExtensions
{
    /// <summary>Adds <paramref name="item"/> when it is not null.</summary>
    public static void AddIfNotNull(this List<string> list, string? item)
    {
        if (item is not null)
        {
            list.Add(item);
        }
    }
}
