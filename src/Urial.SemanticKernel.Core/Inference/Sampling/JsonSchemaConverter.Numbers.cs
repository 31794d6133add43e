using System.Text.Json;

namespace Urial.SemanticKernel;

/// <content>Rules for integers and numbers: exact ranges (see <see cref="IntegerRangeRules"/> and <see cref="DecimalRangeRules"/>).</content>
internal sealed partial class JsonSchemaConverter
{
    private string? IntegerRule(JsonElement schema, string path, string hint)
    {
        var (lower, upper) = ReadBounds(schema, path);
        if (lower is null && upper is null)
        {
            return _json.Integer;
        }

        // The smallest and largest integers allowed; an open side stops at MaxIntegerDigits digits (or the other bound's).
        var lo = lower is { } l ? Math.Ceiling(l.Value) + (l.Exclusive && l.Value == Math.Ceiling(l.Value) ? 1 : 0) : (decimal?)null;
        var hi = upper is { } u ? Math.Floor(u.Value) - (u.Exclusive && u.Value == Math.Floor(u.Value) ? 1 : 0) : (decimal?)null;
        var width = Math.Max(_limits.MaxIntegerDigits, IntegerRangeRules.Digits(Math.Abs(lo ?? hi ?? 0)));
        var min = lo ?? -IntegerRangeRules.Nines(width);
        var max = hi ?? IntegerRangeRules.Nines(width);
        return min > max ? null : _integers.Range(min, max);
    }

    private string? NumberRule(JsonElement schema, string path, string hint)
    {
        var (lower, upper) = ReadBounds(schema, path);
        if (lower is null && upper is null)
        {
            return _json.Number;
        }

        // An open side stops at the largest number with MaxIntegerDigits (or the other bound's) integer digits.
        var width = Math.Max(_limits.MaxIntegerDigits, IntegerRangeRules.Digits(Math.Abs(decimal.Truncate((lower ?? upper)!.Value.Value))));
        var fraction = _limits.MaxFractionDigits == 0 ? 0m : 1m - (1m / Pow10(_limits.MaxFractionDigits));
        var top = IntegerRangeRules.Nines(width) + fraction;
        var min = lower ?? new NumericBound(-top, false);
        var max = upper ?? new NumericBound(top, false);
        if (min.Value > max.Value || (min.Value == max.Value && (min.Exclusive || max.Exclusive)))
        {
            return null;
        }

        return _decimals.Range(min, max);
    }

    private static decimal Pow10(int exponent)
    {
        var result = 1m;
        for (var i = 0; i < exponent; i++)
        {
            result *= 10;
        }

        return result;
    }

    /// <summary>Reads <c>minimum</c>/<c>exclusiveMinimum</c> and <c>maximum</c>/<c>exclusiveMaximum</c> (also the draft-04 boolean form), keeping the tighter of each pair.</summary>
    private static (NumericBound? Lower, NumericBound? Upper) ReadBounds(JsonElement schema, string path)
    {
        NumericBound? Read(string inclusive, string exclusive, bool isLower)
        {
            NumericBound? result = null;
            if (schema.TryGetProperty(inclusive, out var i))
            {
                result = Bound(i, inclusive, isLower, false);
            }

            if (schema.TryGetProperty(exclusive, out var e))
            {
                if (e.ValueKind is JsonValueKind.True && result is { } r)
                {
                    result = r with { Exclusive = true };
                }
                else if (e.ValueKind == JsonValueKind.Number && Bound(e, exclusive, isLower, true) is { } value)
                {
                    var tighter = result is not { } current || (isLower ? value.Value >= current.Value : value.Value <= current.Value);
                    result = tighter ? value : result;
                }
            }

            return result;
        }

        NumericBound? Bound(JsonElement element, string keyword, bool isLower, bool exclusive)
        {
            if (element.ValueKind != JsonValueKind.Number)
            {
                throw new ArgumentException($"The JSON schema keyword '{keyword}' at '{path}' must be a number.");
            }

            if (element.TryGetDecimal(out var d))
            {
                return new NumericBound(d, exclusive);
            }

            // Beyond decimal's range (e.g. ±1.7976931348623157E+308 for double): no tighter than the digit limits.
            var huge = element.GetDouble();
            return (isLower && huge < 0) || (!isLower && huge > 0)
                ? null
                : throw new ArgumentException($"The JSON schema keyword '{keyword}' at '{path}' excludes every number the grammar can write ({huge}).");
        }

        return (Read("minimum", "exclusiveMinimum", isLower: true), Read("maximum", "exclusiveMaximum", isLower: false));
    }
}
