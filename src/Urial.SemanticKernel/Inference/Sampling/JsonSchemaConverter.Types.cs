using System.Globalization;
using System.Text.Json;

namespace Urial.SemanticKernel;

/// <content>Rules for the individual JSON types.</content>
internal sealed partial class JsonSchemaConverter
{
    private string? StringRule(JsonElement schema, string path)
    {
        if (schema.TryGetProperty("format", out var format) && format.GetString() is { } name && _json.Format(name) is { } formatted)
        {
            return formatted; // date, time, date-time, uuid; other formats are annotations (a plain string is emitted)
        }

        var min = ReadCount(schema, "minLength", path) ?? 0;
        var max = ReadCount(schema, "maxLength", path);
        if (max < min)
        {
            return null;
        }

        var upper = Math.Max(min, Math.Min(max ?? _limits.MaxStringLength, _limits.MaxStringLength));
        CheckRepetition(upper, "minLength", path);
        return _json.StringOfLength(min, upper);
    }

    private string? IntegerRule(JsonElement schema, string path, string hint)
    {
        var (lowerBound, upperBound) = ReadBounds(schema, path);
        var lo = lowerBound is { } l ? (decimal?)Math.Ceiling(l.Value) + (l.Exclusive && l.Value == Math.Ceiling(l.Value) ? 1 : 0) : null;
        var hi = upperBound is { } u ? (decimal?)Math.Floor(u.Value) - (u.Exclusive && u.Value == Math.Floor(u.Value) ? 1 : 0) : null;
        if (lo is null && hi is null)
        {
            return _json.Integer;
        }

        if (lo > hi)
        {
            return null;
        }

        if (lo is { } a && hi is { } b && b - a < _limits.MaxEnumeratedIntegerRange)
        {
            // Exact: every allowed value as a literal.
            var values = new List<string>();
            for (var v = a; v <= b; v++)
            {
                values.Add(GbnfText.Literal(v.ToString(CultureInfo.InvariantCulture)));
            }

            return _rules.Add(hint, string.Join(" | ", values));
        }

        // Approximate: sign and digit counts.
        var alternatives = new List<string>();
        if ((lo ?? -1) <= 0 && (hi ?? 1) >= 0)
        {
            alternatives.Add("\"0\"");
        }

        if ((hi ?? 1) >= 1)
        {
            var minDigits = lo > 1 ? Digits(lo.Value) : 1;
            var maxDigits = hi is { } h ? Digits(h) : Math.Max(_limits.MaxIntegerDigits, minDigits);
            alternatives.Add($"[1-9] {GbnfText.Repeated("[0-9]", minDigits - 1, maxDigits - 1)}".TrimEnd());
        }

        if ((lo ?? -1) <= -1)
        {
            var minDigits = hi < -1 ? Digits(-hi.Value) : 1;
            var maxDigits = lo is { } m ? Digits(-m) : Math.Max(_limits.MaxIntegerDigits, minDigits);
            alternatives.Add($"\"-\" [1-9] {GbnfText.Repeated("[0-9]", minDigits - 1, maxDigits - 1)}".TrimEnd());
        }

        return _rules.Add(hint, string.Join(" | ", alternatives.Select(a => alternatives.Count > 1 ? $"({a})" : a)));
    }

    private string NumberRule(JsonElement schema, string path)
    {
        var (lower, upper) = ReadBounds(schema, path);
        if (lower is null && upper is null)
        {
            return _json.Number(allowNegative: true, _limits.MaxIntegerDigits, allowExponent: true);
        }

        // Approximate: no sign when the minimum is non-negative; no exponent and, when both bounds are known,
        // no more integer digits than the larger bound has.
        var allowNegative = lower is not { Value: >= 0 };
        var digits = lower is { } l && upper is { } u
            ? Math.Max(1, Digits(Math.Floor(Math.Max(Math.Abs(l.Value), Math.Abs(u.Value)))))
            : _limits.MaxIntegerDigits;
        return _json.Number(allowNegative, digits, allowExponent: false);
    }

    private string? ArrayRule(JsonElement schema, string path, string hint, int depth)
    {
        var min = ReadCount(schema, "minItems", path) ?? 0;
        var max = ReadCount(schema, "maxItems", path);
        if (max < min || depth >= _limits.MaxDepth)
        {
            return null;
        }

        var upper = Math.Max(min, Math.Min(max ?? _limits.MaxArrayItems, _limits.MaxArrayItems));
        CheckRepetition(upper, "minItems", path);
        var item = schema.TryGetProperty("items", out var items)
            ? Visit(items, path + "/items", hint + "-item", depth + 1)
            : _json.AnyValue(depth + 1);
        if (item is null && min > 0)
        {
            return null;
        }

        return _json.Array(item, min, upper, hint);
    }

    private string? ObjectRule(JsonElement schema, string path, string hint, int depth)
    {
        if (depth >= _limits.MaxDepth)
        {
            return null;
        }

        var required = new HashSet<string>(StringComparer.Ordinal);
        if (schema.TryGetProperty("required", out var requiredArray))
        {
            foreach (var name in requiredArray.EnumerateArray())
            {
                required.Add(name.GetString() ?? string.Empty);
            }
        }

        var declared = new List<(string Name, JsonElement Schema, string Path)>();
        if (schema.TryGetProperty("properties", out var properties))
        {
            foreach (var property in properties.EnumerateObject())
            {
                declared.Add((property.Name, property.Value, $"{path}/properties/{JsonSchemaKeywords.Escape(property.Name)}"));
            }
        }

        var additional = schema.TryGetProperty("additionalProperties", out var ap) ? ap : (JsonElement?)null;
        foreach (var name in required.Where(r => !declared.Any(d => d.Name == r)).Order(StringComparer.Ordinal))
        {
            // Required but undeclared: its value is whatever additionalProperties allows.
            declared.Add((name, additional ?? TrueSchema, $"{path}/required"));
        }

        var ws = _json.Ws;
        if (declared.Count == 0)
        {
            // No declared properties: a free-form object or a map, unless additionalProperties is false.
            if (additional is { ValueKind: JsonValueKind.False })
            {
                return _rules.Add("empty-object", $"\"{{\" {ws} \"}}\"");
            }

            if (additional is null || JsonSchemaKeywords.IsTriviallyTrue(additional.Value))
            {
                return _json.AnyObject(depth);
            }

            var value = Visit(additional.Value, path + "/additionalProperties", hint + "-value", depth + 1);
            return value is null ? _rules.Add("empty-object", $"\"{{\" {ws} \"}}\"") : _json.MapObject(depth, value, hint);
        }

        // Declared properties only (additionalProperties is not used to add more), in declaration order.
        var members = new List<(string Rule, bool Required)>();
        foreach (var (name, propertySchema, propertyPath) in declared)
        {
            var propertyHint = hint == "value" ? name : $"{hint}-{GbnfText.RuleName(name)}";
            var value = Visit(propertySchema, propertyPath, propertyHint, depth + 1);
            var isRequired = required.Contains(name);
            if (value is null)
            {
                if (isRequired)
                {
                    return null;
                }

                continue;
            }

            var member = _rules.Add(propertyHint + "-kv", $"{GbnfText.Literal(GbnfText.JsonString(name))} {ws} \":\" {ws} {value}");
            members.Add((member, isRequired));
        }

        var sequence = MemberSequence(members, ws);
        return _rules.Add(hint, sequence.Length == 0 ? $"\"{{\" {ws} \"}}\"" : $"\"{{\" {ws} {sequence} {ws} \"}}\"");
    }

    /// <summary>
    /// Members in order, commas only between present members: alternatives for which member comes first (every
    /// optional member before the first required one may be first), each followed by the rest with leading commas.
    /// </summary>
    private static string MemberSequence(List<(string Rule, bool Required)> members, string ws)
    {
        string Rest(int from) => string.Join(" ", members.Skip(from).Select(m =>
            m.Required ? $"{ws} \",\" {ws} {m.Rule}" : $"({ws} \",\" {ws} {m.Rule})?"));

        var firsts = new List<string>();
        var mayBeEmpty = true;
        for (var i = 0; i < members.Count; i++)
        {
            firsts.Add($"{members[i].Rule} {Rest(i + 1)}".TrimEnd());
            if (members[i].Required)
            {
                mayBeEmpty = false;
                break;
            }
        }

        if (firsts.Count == 0)
        {
            return string.Empty;
        }

        var choice = firsts.Count == 1 && !mayBeEmpty ? firsts[0] : $"({string.Join(" | ", firsts)})";
        return mayBeEmpty ? choice + "?" : choice;
    }

    private static readonly JsonElement TrueSchema = JsonDocument.Parse("true").RootElement;

    private static int Digits(decimal nonNegative) =>
        nonNegative < 1 ? 1 : decimal.Truncate(nonNegative).ToString(CultureInfo.InvariantCulture).Length;

    private static void CheckRepetition(int count, string keyword, string path)
    {
        if (count > JsonGrammarLimits.NativeRepetitionThreshold)
        {
            throw JsonSchemaKeywords.Unsupported(keyword, path, $"{count} repetitions exceed llama.cpp's limit of {JsonGrammarLimits.NativeRepetitionThreshold}");
        }
    }

    private static int? ReadCount(JsonElement schema, string keyword, string path)
    {
        if (!schema.TryGetProperty(keyword, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDecimal(out var d) || d < 0 || decimal.Truncate(d) != d)
        {
            throw new ArgumentException($"The JSON schema keyword '{keyword}' at '{path}' must be a non-negative integer.");
        }

        return d > int.MaxValue ? int.MaxValue : (int)d;
    }

    private readonly record struct Bound(decimal Value, bool Exclusive);

    private static (Bound? Lower, Bound? Upper) ReadBounds(JsonElement schema, string path)
    {
        Bound? Read(string inclusive, string exclusive)
        {
            Bound? result = null;
            if (schema.TryGetProperty(inclusive, out var i))
            {
                result = new Bound(Number(i, inclusive), false);
            }

            if (schema.TryGetProperty(exclusive, out var e))
            {
                if (e.ValueKind is JsonValueKind.True && result is { } r)
                {
                    result = r with { Exclusive = true }; // draft-04 boolean form
                }
                else if (e.ValueKind == JsonValueKind.Number)
                {
                    var value = Number(e, exclusive);
                    var tighter = inclusive == "minimum" ? result is null || value >= result.Value.Value : result is null || value <= result.Value.Value;
                    result = tighter ? new Bound(value, true) : result;
                }
            }

            return result;
        }

        decimal Number(JsonElement element, string keyword) =>
            element.ValueKind == JsonValueKind.Number && element.TryGetDecimal(out var d)
                ? d
                : throw new ArgumentException($"The JSON schema keyword '{keyword}' at '{path}' must be a number within the decimal range.");

        return (Read("minimum", "exclusiveMinimum"), Read("maximum", "exclusiveMaximum"));
    }
}
