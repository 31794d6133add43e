using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Urial.SemanticKernel;

/// <summary>
/// Generates random instances of a schema within the converter's documented limits (string, array, map and digit
/// bounds; container depth; plain decimal numbers; declared properties only, in declaration order), written the way the
/// grammar documents JSON (<see cref="Write"/>). Instances are candidates: JsonSchema.Net decides which are valid.
/// </summary>
internal sealed class InstanceGen(JsonNode schema, JsonGrammarLimits limits, Random random)
{
    // Re-parsed so every value is backed by JSON text: numbers convert to any numeric type, and copy as written.
    private readonly JsonNode root = JsonNode.Parse(schema.ToJsonString())!;

    private static readonly string[] Pieces = ["a", "Z", "7", " ", "é", "中", "😀", "\"", "\\", "\n", "\t", "/", "~", "{", "["];

    public JsonNode? Generate() => Value(root, 0, 0);

    private JsonNode? Value(JsonNode? schema, int depth, int hops)
    {
        if (hops > 16 || schema is null)
        {
            return null;
        }

        if (schema is JsonValue boolean)
        {
            return boolean.GetValue<bool>() ? JsonValue.Create(random.Next(100)) : null;
        }

        var s = schema.AsObject();
        if (s["$ref"] is JsonValue reference)
        {
            return Value(Resolve(reference.GetValue<string>()), depth, hops + 1);
        }

        if (s["allOf"] is JsonArray allOf)
        {
            // Objects: the union of the parts' declared properties (only declared properties are generated, a documented limit);
            // otherwise one part. Either is a candidate: the validator keeps those valid under all parts.
            var declared = allOf.OfType<JsonObject>().Where(p => p["properties"] is JsonObject).ToList();
            if (declared.Count == 0)
            {
                return Value(allOf[random.Next(allOf.Count)], depth, hops + 1);
            }

            var union = new JsonObject();
            var required = new JsonArray();
            foreach (var part in declared)
            {
                foreach (var (name, property) in part["properties"]!.AsObject())
                {
                    union[name] ??= property?.DeepClone();
                }

                foreach (var name in part["required"] as JsonArray ?? [])
                {
                    required.Add(name?.DeepClone());
                }
            }

            return Value(new JsonObject { ["type"] = "object", ["properties"] = union, ["required"] = required }, depth, hops + 1);
        }

        if ((s["anyOf"] ?? s["oneOf"]) is JsonArray alternatives)
        {
            return Value(alternatives[random.Next(alternatives.Count)], depth, hops + 1);
        }

        if (s["const"] is { } constant)
        {
            return constant.DeepClone();
        }

        if (s["enum"] is JsonArray values)
        {
            return values[random.Next(values.Count)]?.DeepClone();
        }

        var types = s["type"] switch
        {
            JsonValue t => [t.GetValue<string>()],
            JsonArray a => a.Select(t => t!.GetValue<string>()).ToArray(),
            _ => new[] { "string", "integer", "boolean", "null" },
        };
        return types[random.Next(types.Length)] switch
        {
            "string" => String(s),
            "integer" => Integer(s),
            "number" => Number(s),
            "boolean" => JsonValue.Create(random.Next(2) == 0),
            "object" => depth < limits.MaxDepth ? Object(s, depth, hops) : null,
            "array" => depth < limits.MaxDepth ? Array(s, depth, hops) : null,
            _ => null,
        };
    }

    private JsonNode? Resolve(string reference) =>
        reference == "#" ? root : root["$defs"]?[reference["#/$defs/".Length..].Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)];

    private JsonNode String(JsonObject s)
    {
        if (s["format"] is JsonValue format && Format(format.GetValue<string>()) is { } formatted)
        {
            return formatted;
        }

        if (s["pattern"] is JsonValue pattern && SchemaPatterns.All.FirstOrDefault(p => p.Pattern == pattern.GetValue<string>()).Example is { } example)
        {
            return example(random);
        }

        var min = s["minLength"]?.GetValue<int>() ?? 0;
        var max = Math.Max(min, Math.Min(s["maxLength"]?.GetValue<int>() ?? int.MaxValue, limits.MaxStringLength));
        var length = random.Next(min, max + 1);
        return string.Concat(Enumerable.Range(0, length).Select(_ => Pieces[random.Next(Pieces.Length)]));
    }

    private string? Format(string format) => format switch
    {
        "date" => Date(),
        "time" => Time(),
        "date-time" => Date() + "T" + Time(),
        "uuid" => Guid.NewGuid().ToString(random.Next(2) == 0 ? "D" : "D").ToUpperInvariant() is var g && random.Next(2) == 0 ? g : g.ToLowerInvariant(),
        // The documented subsets: words of 1..clamp(MaxStringLength / 4, 1, 16) lowercase letters or digits.
        "email" => $"{FormatWord()}{(random.Next(2) == 0 ? "." + FormatWord() : "")}@{FormatWord()}.{new string([.. Enumerable.Range(0, random.Next(2, 7)).Select(_ => (char)('a' + random.Next(26)))])}",
        "uri" => $"http{(random.Next(2) == 0 ? "s" : "")}://{FormatWord()}{(random.Next(2) == 0 ? "." + FormatWord() : "")}{(random.Next(2) == 0 ? "/" + FormatWord() : "")}",
        "ipv4" => string.Join(".", Enumerable.Range(0, 4).Select(_ => random.Next(256).ToString(CultureInfo.InvariantCulture))),
        _ => null,
    };

    private string FormatWord() => Word(1, Math.Clamp(limits.MaxStringLength / 4, 1, 16));

    private string Date() => new DateOnly(1, 1, 1).AddDays(random.Next(0, 3_652_058)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private string Time() =>
        $"{random.Next(24):00}:{random.Next(60):00}:{random.Next(60):00}{(random.Next(2) == 0 ? "." + random.Next(1, 9999999).ToString(CultureInfo.InvariantCulture) : "")}"
        + (random.Next(3) == 0 ? "Z" : $"{(random.Next(2) == 0 ? '+' : '-')}{random.Next(14):00}:{random.Next(60):00}");

    private string Word(int min, int max) => new([.. Enumerable.Range(0, random.Next(min, max + 1)).Select(_ => "abcdefghijklmnopqrstuvwxyz0123456789"[random.Next(36)])]);

    private JsonNode Integer(JsonObject s)
    {
        var top = (long)Math.Pow(10, Math.Min(limits.MaxIntegerDigits, 17)) - 1;
        var lo = Bound(s, "minimum", "exclusiveMinimum", lower: true) ?? -top;
        var hi = Bound(s, "maximum", "exclusiveMaximum", lower: false) ?? top;
        var low = (long)Math.Ceiling(Math.Max(lo, -top));
        var high = (long)Math.Floor(Math.Min(hi, top));
        return JsonValue.Create(high < low ? low : random.Next(4) == 0 ? low : random.Next(4) == 0 ? high : random.NextInt64(low, high + 1));
    }

    private JsonNode Number(JsonObject s)
    {
        var scale = (decimal)Math.Pow(10, Math.Min(limits.MaxFractionDigits, 6));
        var top = (decimal)Math.Pow(10, Math.Min(limits.MaxIntegerDigits, 12)) - 1;
        var lo = (decimal)(Bound(s, "minimum", "exclusiveMinimum", lower: true) ?? (double)-top);
        var hi = (decimal)(Bound(s, "maximum", "exclusiveMaximum", lower: false) ?? (double)top);
        var value = lo + ((hi - lo) * (decimal)random.NextDouble());
        return JsonValue.Create(Math.Round(value * scale) / scale);
    }

    private static double? Bound(JsonObject s, string inclusive, string exclusive, bool lower)
    {
        var values = new[] { s[inclusive], s[exclusive] }.OfType<JsonValue>().Select(v => v.GetValue<double>()).ToList();
        return values.Count == 0 ? null : lower ? values.Max() : values.Min();
    }

    private JsonNode? Array(JsonObject s, int depth, int hops)
    {
        var prefix = s["prefixItems"] as JsonArray ?? [];
        var min = s["minItems"]?.GetValue<int>() ?? 0;
        var max = Math.Max(min, Math.Min(s["maxItems"]?.GetValue<int>() ?? int.MaxValue, limits.MaxArrayItems));
        var count = random.Next(min, max + 1);
        var result = new JsonArray();
        for (var i = 0; i < count; i++)
        {
            var item = i < prefix.Count ? prefix[i] : s["items"] ?? JsonValue.Create(true);
            if (item is JsonValue { } b && b.GetValueKind() == JsonValueKind.False)
            {
                break;
            }

            result.Add(Value(item, depth + 1, hops));
        }

        return result;
    }

    private JsonNode? Object(JsonObject s, int depth, int hops)
    {
        var result = new JsonObject();
        var required = (s["required"] as JsonArray)?.Select(r => r!.GetValue<string>()).ToHashSet() ?? [];
        if (s["properties"] is JsonObject properties && properties.Count > 0)
        {
            foreach (var (name, schema) in properties)
            {
                if (required.Contains(name) || random.Next(2) == 0)
                {
                    result[name] = Value(schema, depth + 1, hops);
                }
            }

            return result;
        }

        var additional = s["additionalProperties"];
        if (additional is JsonValue closed && closed.GetValueKind() == JsonValueKind.False)
        {
            return result;
        }

        var min = s["minProperties"]?.GetValue<int>() ?? 0;
        var max = Math.Max(min, Math.Min(s["maxProperties"]?.GetValue<int>() ?? int.MaxValue, limits.MaxObjectProperties));
        for (var count = random.Next(min, max + 1); result.Count < count;)
        {
            result[Word(1, 5)] = Value(additional ?? JsonValue.Create(true), depth + 1, hops);
        }

        return result;
    }

    /// <summary>Writes JSON as the grammar documents it: compact, strings in raw UTF-8 with two-character escapes, numbers as given.</summary>
    public static string Write(JsonNode? node)
    {
        var sb = new StringBuilder();
        Write(sb, node);
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, JsonNode? node)
    {
        switch (node)
        {
            case null:
                sb.Append("null");
                break;
            case JsonObject obj:
                sb.Append('{').AppendJoin(',', obj.Select(p => Quote(p.Key) + ":" + Write(p.Value))).Append('}');
                break;
            case JsonArray array:
                sb.Append('[').AppendJoin(',', array.Select(Write)).Append(']');
                break;
            case JsonValue value when value.TryGetValue<JsonElement>(out var element):
                // A value copied from the schema (enum, const): strings as documented, numbers exactly as the schema wrote them.
                sb.Append(element.ValueKind == JsonValueKind.String ? Quote(element.GetString()!) : element.ValueKind is JsonValueKind.Object or JsonValueKind.Array ? Write(JsonNode.Parse(element.GetRawText())) : element.GetRawText());
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                sb.Append(Quote(value.GetValue<string>()));
                break;
            case JsonValue value when value.TryGetValue<decimal>(out var number):
                sb.Append(number.ToString(CultureInfo.InvariantCulture));
                break;
            default:
                sb.Append(node.ToJsonString());
                break;
        }
    }

    private static string Quote(string text)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in text)
        {
            sb.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\t' => "\\t",
                '\r' => "\\r",
                '\b' => "\\b",
                '\f' => "\\f",
                < ' ' => "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture), // only in enum values, which the grammar spells this way
                _ => c.ToString(),
            });
        }

        return sb.Append('"').ToString();
    }
}
