using System.Text.Json;
using System.Text.Json.Nodes;

namespace Urial.SemanticKernel;

/// <summary>
/// Merges the parts of an <c>allOf</c> into one schema whose instances are valid under every part, for the keywords
/// the grammar translates: types intersect, properties and required names unite (a shared property becomes an
/// <c>allOf</c> of both, merged when visited), bounds tighten, enumerations intersect, closed objects keep only names
/// every closed part declares. A keyword that cannot be merged (a second <c>pattern</c> or <c>format</c>) keeps its
/// first value; the answer is validated against the whole schema after decoding anyway.
/// </summary>
internal static class JsonSchemaMerge
{
    private static readonly HashSet<string> Minimums = ["minLength", "minItems", "minProperties", "minimum", "exclusiveMinimum"];
    private static readonly HashSet<string> Maximums = ["maxLength", "maxItems", "maxProperties", "maximum", "exclusiveMaximum"];
    private const int MaxAlternativeProduct = 64;

    /// <summary>Merges <paramref name="parts"/> (objects or booleans, without <c>$ref</c> or <c>allOf</c>); null when they admit no value.</summary>
    public static JsonElement? Merge(IReadOnlyList<JsonElement> parts, string path)
    {
        var result = new JsonObject();
        var closedNames = new List<HashSet<string>>();
        foreach (var part in parts)
        {
            if (part.ValueKind == JsonValueKind.False)
            {
                return null;
            }

            if (part.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            foreach (var property in part.EnumerateObject())
            {
                MergeKeyword(result, property.Name, property.Value, path);
            }

            if (part.TryGetProperty("additionalProperties", out var additional) && additional.ValueKind == JsonValueKind.False)
            {
                closedNames.Add(part.TryGetProperty("properties", out var declared) && declared.ValueKind == JsonValueKind.Object
                    ? [.. declared.EnumerateObject().Select(p => p.Name)]
                    : []);
            }
        }

        if (result["type"] is JsonArray { Count: 0 } || result["enum"] is JsonArray { Count: 0 })
        {
            return null;
        }

        return CloseObjects(result, closedNames) ? ToElement(result, path) : null;
    }

    /// <summary>Parses a node into an element (the depth is bounded by the reader's default of 64).</summary>
    public static JsonElement ToElement(JsonNode node, string path)
    {
        try
        {
            using var document = JsonDocument.Parse(node.ToJsonString());
            return document.RootElement.Clone();
        }
        catch (JsonException exception)
        {
            throw new ArgumentException($"The JSON schema at '{path}' cannot be merged: {exception.Message}", exception);
        }
    }

    private static void MergeKeyword(JsonObject result, string name, JsonElement value, string path)
    {
        if (name is "$defs" or "definitions" || JsonSchemaKeywords.Annotations.Contains(name))
        {
            return;
        }

        var node = Node(value, path);
        if (name == "const")
        {
            MergeEnum(result, new JsonArray(node));
            return;
        }

        if (!result.ContainsKey(name))
        {
            result[name] = node;
            return;
        }

        var existing = result[name];
        switch (name)
        {
            case "type":
                result[name] = IntersectTypes(Types(existing), Types(node));
                break;
            case "properties" when existing is JsonObject ours && node is JsonObject added:
                foreach (var (key, schema) in added.ToList())
                {
                    added.Remove(key);
                    ours[key] = ours.ContainsKey(key) ? new JsonObject { ["allOf"] = new JsonArray(ours[key]!.DeepClone(), schema) } : schema;
                }

                break;
            case "required" when existing is JsonArray names && node is JsonArray more:
                foreach (var item in more.Select(t => t?.GetValue<string>()).Where(t => t is not null && !names.Any(m => m?.GetValue<string>() == t)).ToList())
                {
                    names.Add(item);
                }

                break;
            case "items" or "additionalProperties":
                result[name] = new JsonObject { ["allOf"] = new JsonArray(existing!.DeepClone(), node) };
                break;
            case "enum":
                MergeEnum(result, node as JsonArray ?? []);
                break;
            case "anyOf" or "oneOf":
                result[name] = Product(existing as JsonArray, node as JsonArray) ?? existing;
                break;
            default:
                if ((Minimums.Contains(name) || Maximums.Contains(name))
                    && existing is JsonValue mine && mine.TryGetValue<decimal>(out var a)
                    && node is JsonValue theirs && theirs.TryGetValue<decimal>(out var b))
                {
                    result[name] = Minimums.Contains(name) ? Math.Max(a, b) : Math.Min(a, b);
                }

                break; // pattern, format and the keywords enforced after decoding keep their first value
        }
    }

    private static void MergeEnum(JsonObject result, JsonArray values)
    {
        if (result["enum"] is not JsonArray existing)
        {
            result["enum"] = values.DeepClone();
            return;
        }

        var kept = new JsonArray();
        foreach (var value in existing)
        {
            if (values.Any(v => JsonNode.DeepEquals(v, value)))
            {
                kept.Add(value?.DeepClone());
            }
        }

        result["enum"] = kept;
    }

    private static JsonArray? Product(JsonArray? first, JsonArray? second)
    {
        if (first is null || second is null || first.Count * second.Count > MaxAlternativeProduct)
        {
            return null;
        }

        var product = new JsonArray();
        foreach (var a in first)
        {
            foreach (var b in second)
            {
                product.Add(new JsonObject { ["allOf"] = new JsonArray(a?.DeepClone(), b?.DeepClone()) });
            }
        }

        return product;
    }

    private static bool CloseObjects(JsonObject result, List<HashSet<string>> closedNames)
    {
        if (closedNames.Count == 0)
        {
            return true;
        }

        var allowed = closedNames.Skip(1).Aggregate(new HashSet<string>(closedNames[0]), (set, next) => { set.IntersectWith(next); return set; });
        if (result["properties"] is JsonObject properties)
        {
            foreach (var key in properties.Select(p => p.Key).Where(k => !allowed.Contains(k)).ToList())
            {
                properties.Remove(key);
            }
        }

        result["additionalProperties"] = false;
        return result["required"] is not JsonArray required || required.All(r => r is not null && allowed.Contains(r.GetValue<string>()));
    }

    private static JsonArray IntersectTypes(List<string> a, List<string> b)
    {
        var result = new JsonArray();
        foreach (var type in a)
        {
            if (b.Contains(type))
            {
                result.Add(type);
            }
            else if ((type == "integer" && b.Contains("number")) || (type == "number" && b.Contains("integer")))
            {
                result.Add("integer");
            }
        }

        return result;
    }

    private static List<string> Types(JsonNode? node) => node switch
    {
        JsonValue value when value.TryGetValue<string>(out var type) => [type],
        JsonArray array => [.. array.Select(t => t?.GetValue<string>() ?? string.Empty)],
        _ => [],
    };

    /// <summary>A mutable copy of a schema value, its depth bounded by <see cref="JsonSchemaBounds.MaxSchemaNesting"/>.</summary>
    public static JsonNode? Node(JsonElement value, string path)
    {
        try
        {
            return JsonNode.Parse(value.GetRawText(), documentOptions: new JsonDocumentOptions { MaxDepth = JsonSchemaBounds.MaxSchemaNesting });
        }
        catch (JsonException exception)
        {
            throw new ArgumentException($"The JSON schema at '{path}' cannot be merged: {exception.Message}", exception);
        }
    }
}
