using System.Text.Json;

namespace Urial.SemanticKernel;

/// <content>Rules for strings, arrays and objects.</content>
internal sealed partial class JsonSchemaConverter
{
    private static readonly JsonElement TrueSchema = JsonDocument.Parse("true").RootElement.Clone();

    private string? StringRule(JsonElement schema, string path, string hint)
    {
        if (schema.TryGetProperty("format", out var format) && format.ValueKind == JsonValueKind.String && _formats.For(format.GetString()!) is { } formatted)
        {
            return formatted; // length and pattern beside a format are enforced after decoding
        }

        if (schema.TryGetProperty("pattern", out var pattern) && pattern.ValueKind == JsonValueKind.String
            && JsonPatternGrammar.Translate(pattern.GetString()!, _rules, _json, _limits, hint) is { } matched)
        {
            return matched; // length beside a pattern is enforced after decoding
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
        var prefix = new List<string>();
        if (schema.TryGetProperty("prefixItems", out var prefixItems))
        {
            var i = 0;
            foreach (var itemSchema in Items(prefixItems, "prefixItems", path).Take(upper))
            {
                var rule = Visit(itemSchema, $"{path}/prefixItems/{i}", $"{hint}-{i}", depth + 1);
                if (rule is null)
                {
                    // No value for this position: the array ends before it, if it may.
                    upper = i;
                    break;
                }

                prefix.Add(rule);
                i++;
            }
        }

        var item = schema.TryGetProperty("items", out var items)
            ? Visit(items, path + "/items", hint + "-item", depth + 1)
            : _json.AnyValue(depth + 1);
        if (upper < min || (item is null && Math.Min(prefix.Count, upper) < min))
        {
            return null;
        }

        return _json.Array(prefix, item, min, upper, hint);
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
            foreach (var name in Items(requiredArray, "required", path))
            {
                required.Add(name.ValueKind == JsonValueKind.String ? name.GetString()! : throw new ArgumentException($"The JSON schema keyword 'required' at '{path}' must list strings."));
            }
        }

        var declared = new List<(string Name, JsonElement Schema, string Path)>();
        if (schema.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object)
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

        return declared.Count == 0 ? MapRule(schema, additional, path, hint, depth) : DeclaredObjectRule(declared, required, hint, depth);
    }

    /// <summary>No declared properties: a free-form object or a map of <c>additionalProperties</c>, <c>minProperties</c>..<c>maxProperties</c> members.</summary>
    private string? MapRule(JsonElement schema, JsonElement? additional, string path, string hint, int depth)
    {
        var min = ReadCount(schema, "minProperties", path) ?? 0;
        var max = Math.Max(min, Math.Min(ReadCount(schema, "maxProperties", path) ?? _limits.MaxObjectProperties, _limits.MaxObjectProperties));
        CheckRepetition(max, "minProperties", path);
        var value = additional is { } a && !JsonSchemaKeywords.IsTriviallyTrue(a)
            ? Visit(a, path + "/additionalProperties", hint + "-value", depth + 1)
            : _json.AnyValue(depth + 1);
        if (value is null)
        {
            return min > 0 ? null : _rules.Add("empty-object", $"\"{{\" {_json.Ws} \"}}\"");
        }

        return _json.MapObject(depth, value, hint, min, max);
    }

    /// <summary>Declared properties only (additional ones are never generated), in declaration order, required ones mandatory.</summary>
    private string? DeclaredObjectRule(List<(string Name, JsonElement Schema, string Path)> declared, HashSet<string> required, string hint, int depth)
    {
        var ws = _json.Ws;
        var members = new List<(string Rule, bool Required)>();
        foreach (var (name, propertySchema, propertyPath) in declared)
        {
            var propertyHint = hint == "value" ? name : $"{hint}-{GbnfText.RuleName(name)}";
            var isRequired = required.Contains(name);
            if (!isRequired && !_limits.OptionalProperties)
            {
                continue;
            }

            var value = Visit(propertySchema, propertyPath, propertyHint, depth + 1);
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
    private string MemberSequence(List<(string Rule, bool Required)> members, string ws)
    {
        string Rest(int from) => string.Join(" ", members.Skip(from).Select(m =>
            m.Required ? $"{ws} \",\" {ws} {m.Rule}" : $"({ws} \",\" {ws} {m.Rule})?"));

        var firsts = new List<string>();
        var mayBeEmpty = true;
        for (var i = 0; i < members.Count; i++)
        {
            // Each alternative is its own rule: the group nesting stays flat however many properties there are.
            firsts.Add(_rules.Add("members", $"{members[i].Rule} {Rest(i + 1)}".TrimEnd()));
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

    private static void CheckRepetition(int count, string keyword, string path)
    {
        if (count > JsonGrammarLimits.NativeRepetitionThreshold)
        {
            throw JsonSchemaBounds.Exceeded($"llama.cpp's repetition limit of {JsonGrammarLimits.NativeRepetitionThreshold}", $"{path}/{keyword}", $"{count} required repetitions");
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

    private static List<string>? ReadTypes(JsonElement schema, string path)
    {
        if (!schema.TryGetProperty("type", out var type))
        {
            return null;
        }

        return type.ValueKind switch
        {
            JsonValueKind.String => [type.GetString()!],
            JsonValueKind.Array => [.. type.EnumerateArray().Select(t => t.ValueKind == JsonValueKind.String ? t.GetString()! : string.Empty).Distinct()],
            _ => throw new ArgumentException($"The JSON schema keyword 'type' at '{path}' must be a string or an array."),
        };
    }

    /// <summary>The types a schema without <c>type</c> is generated as: those its keywords apply to (a documented narrowing).</summary>
    private static List<string>? InferTypes(JsonElement schema)
    {
        bool Has(params string[] keywords) => keywords.Any(k => schema.TryGetProperty(k, out _));
        var types = new List<string>();
        if (Has("properties", "required", "additionalProperties", "minProperties", "maxProperties"))
        {
            types.Add("object");
        }

        if (Has("items", "prefixItems", "minItems", "maxItems"))
        {
            types.Add("array");
        }

        if (Has("minLength", "maxLength", "format", "pattern"))
        {
            types.Add("string");
        }

        if (Has("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"))
        {
            types.Add("number");
        }

        return types.Count == 0 ? null : types;
    }
}
