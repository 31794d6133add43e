using System.Text.Json;

namespace Urial.SemanticKernel;

/// <summary>
/// Converts one JSON Schema document into a bounded GBNF grammar. Single use: create, call <see cref="Convert"/>.
/// Every visit returns the name of a rule matching the subschema, or null when no value is possible within the
/// limits (e.g. a recursive <c>$ref</c> at <see cref="JsonGrammarLimits.MaxDepth"/>); callers drop such branches
/// (optional properties, array items, <c>anyOf</c> alternatives) or propagate the impossibility.
/// </summary>
internal sealed partial class JsonSchemaConverter
{
    private readonly JsonElement _document;
    private readonly JsonGrammarLimits _limits;
    private readonly GbnfRuleSet _rules = new();
    private readonly JsonPrimitiveRules _json;
    private readonly Dictionary<(string Reference, int Depth), string?> _refs = [];
    private readonly HashSet<(string Reference, int Depth)> _refsInProgress = [];

    /// <summary>Creates a converter for <paramref name="document"/>.</summary>
    public JsonSchemaConverter(JsonElement document, JsonGrammarLimits limits)
    {
        _document = document;
        _limits = limits;
        _json = new JsonPrimitiveRules(_rules, limits);
    }

    /// <summary>Converts the document into a complete GBNF grammar whose start rule is <c>root</c>.</summary>
    public string Convert()
    {
        _rules.Reserve("root");
        var top = Visit(_document, "#", "value", 0)
            ?? throw new NotSupportedException(
                $"The JSON schema admits no value within MaxDepth = {_limits.MaxDepth} nested containers.");
        _rules.Define("root", top);
        return _rules.ToString();
    }

    private string? Visit(JsonElement schema, string path, string hint, int depth)
    {
        switch (schema.ValueKind)
        {
            case JsonValueKind.True:
                return _json.AnyValue(depth);
            case JsonValueKind.False:
                return null;
            case JsonValueKind.Object:
                break;
            default:
                throw new ArgumentException($"The JSON schema at '{path}' must be an object or a boolean, not {schema.ValueKind}.");
        }

        var types = ReadTypes(schema, path);
        var patternIrrelevant = false;
        if (schema.TryGetProperty("pattern", out _) && types is not null && types.Contains("string") && types.Count > 1)
        {
            // e.g. numbers that may also be read from strings: only the non-string branches are generated.
            types.Remove("string");
            patternIrrelevant = true;
        }

        JsonSchemaKeywords.RejectUnsupported(schema, path, patternIrrelevant);

        if (schema.TryGetProperty("$ref", out var reference))
        {
            RejectSiblings(schema, path, "$ref", allowTrivial: true);
            return VisitRef(reference.GetString() ?? string.Empty, path, depth);
        }

        if (schema.TryGetProperty("allOf", out var allOf))
        {
            if (allOf.ValueKind != JsonValueKind.Array || allOf.GetArrayLength() != 1)
            {
                throw JsonSchemaKeywords.Unsupported("allOf", path, "only a single-schema allOf is supported");
            }

            RejectSiblings(schema, path, "allOf", allowTrivial: false);
            return Visit(allOf[0], path + "/allOf/0", hint, depth);
        }

        foreach (var keyword in (ReadOnlySpan<string>)["anyOf", "oneOf"])
        {
            if (schema.TryGetProperty(keyword, out var alternatives))
            {
                RejectSiblings(schema, path, keyword, allowTrivial: false);
                var names = new List<string>();
                var i = 0;
                foreach (var alternative in alternatives.EnumerateArray())
                {
                    var name = Visit(alternative, $"{path}/{keyword}/{i}", $"{hint}-{i}", depth);
                    i++;
                    if (name is not null && !names.Contains(name))
                    {
                        names.Add(name);
                    }
                }

                return Alternatives(hint, names);
            }
        }

        if (schema.TryGetProperty("const", out var constant))
        {
            return MatchesTypes(constant, types) ? _rules.Add(hint, GbnfText.Literal(JsonLiteral.Canonical(constant))) : null;
        }

        if (schema.TryGetProperty("enum", out var values))
        {
            var literals = values.EnumerateArray()
                .Where(v => MatchesTypes(v, types))
                .Select(v => GbnfText.Literal(JsonLiteral.Canonical(v)))
                .Distinct(StringComparer.Ordinal)
                .ToList();
            return literals.Count == 0 ? null : _rules.Add(hint, string.Join(" | ", literals));
        }

        types ??= InferTypes(schema);
        if (types is null)
        {
            return _json.AnyValue(depth);
        }

        var branches = new List<string>();
        foreach (var type in types)
        {
            var name = VisitTyped(schema, type, path, types.Count == 1 ? hint : $"{hint}-{type}", depth);
            if (name is not null && !branches.Contains(name))
            {
                branches.Add(name);
            }
        }

        return Alternatives(hint, branches);
    }

    private string? VisitTyped(JsonElement schema, string type, string path, string hint, int depth) => type switch
    {
        "string" => StringRule(schema, path),
        "integer" => IntegerRule(schema, path, hint),
        "number" => NumberRule(schema, path),
        "boolean" => _json.Boolean,
        "null" => _json.Null,
        "object" => ObjectRule(schema, path, hint, depth),
        "array" => ArrayRule(schema, path, hint, depth),
        _ => throw JsonSchemaKeywords.Unsupported("type", path, $"unknown type '{type}'"),
    };

    private string? Alternatives(string hint, List<string> names) => names.Count switch
    {
        0 => null,
        1 => names[0],
        _ => _rules.Add(hint, string.Join(" | ", names)),
    };

    private string? VisitRef(string reference, string path, int depth)
    {
        if (!reference.StartsWith('#'))
        {
            throw JsonSchemaKeywords.Unsupported("$ref", path, $"only local references ('#...') are supported, not '{reference}'");
        }

        var key = (reference, depth);
        if (_refs.TryGetValue(key, out var known))
        {
            return known;
        }

        if (!_refsInProgress.Add(key))
        {
            throw JsonSchemaKeywords.Unsupported("$ref", path, $"'{reference}' refers to itself without an enclosing object or array");
        }

        var target = JsonLiteral.ResolvePointer(_document, reference)
            ?? throw new ArgumentException($"The JSON schema $ref '{reference}' at '{path}' does not resolve.");
        var segments = reference.Split('/');
        var hint = segments.Length > 1 ? segments[^1] : "root-ref";
        var result = Visit(target, reference, hint, depth);
        _refsInProgress.Remove(key);
        _refs[key] = result;
        return result;
    }

    private static void RejectSiblings(JsonElement schema, string path, string keyword, bool allowTrivial)
    {
        foreach (var property in schema.EnumerateObject())
        {
            if (property.Name == keyword
                || property.Name is "$defs" or "definitions"
                || JsonSchemaKeywords.Annotations.Contains(property.Name)
                || (allowTrivial && JsonSchemaKeywords.IsTriviallyTrue(property.Value)))
            {
                continue;
            }

            throw JsonSchemaKeywords.Unsupported(property.Name, path, $"it cannot be combined with '{keyword}'");
        }
    }

    private static List<string>? ReadTypes(JsonElement schema, string path)
    {
        if (!schema.TryGetProperty("type", out var type))
        {
            return null;
        }

        var types = type.ValueKind switch
        {
            JsonValueKind.String => [type.GetString()!],
            JsonValueKind.Array => type.EnumerateArray().Select(t => t.GetString() ?? string.Empty).Distinct().ToList(),
            _ => throw new ArgumentException($"The JSON schema keyword 'type' at '{path}' must be a string or an array."),
        };
        return types;
    }

    private static List<string>? InferTypes(JsonElement schema)
    {
        bool Has(params string[] keywords) => keywords.Any(k => schema.TryGetProperty(k, out _));
        var types = new List<string>();
        if (Has("properties", "required", "additionalProperties"))
        {
            types.Add("object");
        }

        if (Has("items", "minItems", "maxItems"))
        {
            types.Add("array");
        }

        if (Has("minLength", "maxLength", "format"))
        {
            types.Add("string");
        }

        if (Has("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"))
        {
            types.Add("number");
        }

        return types.Count == 0 ? null : types;
    }

    private static bool MatchesTypes(JsonElement value, List<string>? types) =>
        types is null || types.Any(t => t switch
        {
            "string" => value.ValueKind == JsonValueKind.String,
            "number" => value.ValueKind == JsonValueKind.Number,
            "integer" => value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var d) && decimal.Truncate(d) == d,
            "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
            "null" => value.ValueKind == JsonValueKind.Null,
            "object" => value.ValueKind == JsonValueKind.Object,
            "array" => value.ValueKind == JsonValueKind.Array,
            _ => false,
        });
}
