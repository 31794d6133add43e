using System.Text.Json;

namespace Urial.SemanticKernel;

/// <summary>
/// Converts one JSON Schema document into bounded GBNF rules, added to a shared <see cref="GbnfRuleSet"/> (see
/// <see cref="GrammarComposer"/>). Single use: create, call <see cref="Convert"/>.
/// Every visit returns the name of a rule matching the subschema, or null when no value is possible within the
/// limits (e.g. a recursive <c>$ref</c> at <see cref="JsonGrammarLimits.MaxDepth"/>); callers drop such branches
/// (optional properties, array items, <c>anyOf</c> alternatives) or propagate the impossibility.
/// </summary>
/// <remarks>
/// Every recursion over the schema is bounded by <see cref="JsonSchemaBounds"/> (nesting, <c>$ref</c> chains, visits),
/// and the grammar written by its size, so no schema can exhaust the stack or produce a grammar llama.cpp cannot take.
/// </remarks>
internal sealed partial class JsonSchemaConverter
{
    private readonly JsonElement _document;
    private readonly JsonGrammarLimits _limits;
    private readonly GbnfRuleSet _rules;
    private readonly JsonPrimitiveRules _json;
    private readonly JsonFormatRules _formats;
    private readonly IntegerRangeRules _integers;
    private readonly DecimalRangeRules _decimals;
    private readonly Dictionary<(string Reference, int Depth), string?> _refs = [];
    private readonly HashSet<(string Reference, int Depth)> _refsInProgress = [];
    private int _nesting;
    private int _activeRefs;
    private int _visits;

    /// <summary>Creates a converter for <paramref name="document"/>.</summary>
    public JsonSchemaConverter(JsonElement document, JsonGrammarLimits limits, GbnfRuleSet rules, JsonPrimitiveRules json)
    {
        _document = document;
        _limits = limits;
        _rules = rules;
        _json = json;
        _formats = new JsonFormatRules(_rules, limits);
        _integers = new IntegerRangeRules(_rules);
        _decimals = new DecimalRangeRules(_rules, _integers, limits.MaxFractionDigits);
    }

    /// <summary>Adds the rules for the document's values and returns the name of the rule matching them.</summary>
    /// <param name="hint">A name hint for the top rule.</param>
    /// <exception cref="ArgumentException">The schema is malformed, exceeds a bound of <see cref="JsonSchemaBounds"/>, or admits no value within the limits.</exception>
    public string Convert(string hint) =>
        Visit(_document, "#", hint, 0)
        ?? throw new ArgumentException(
            $"The JSON schema admits no value within the grammar limits (MaxDepth = {_limits.MaxDepth} nested containers, "
            + $"MaxArrayItems = {_limits.MaxArrayItems}, MaxStringLength = {_limits.MaxStringLength}).");

    private string? Visit(JsonElement schema, string path, string hint, int depth)
    {
        if (++_visits > JsonSchemaBounds.MaxSchemaVisits)
        {
            throw JsonSchemaBounds.Exceeded($"MaxSchemaVisits = {JsonSchemaBounds.MaxSchemaVisits}", path, "the number of subschemas visited");
        }

        if (++_nesting > JsonSchemaBounds.MaxSchemaNesting)
        {
            throw JsonSchemaBounds.Exceeded($"MaxSchemaNesting = {JsonSchemaBounds.MaxSchemaNesting}", path, "the nesting of subschemas");
        }

        try
        {
            return VisitCore(schema, path, hint, depth);
        }
        finally
        {
            _nesting--;
        }
    }

    private string? VisitCore(JsonElement schema, string path, string hint, int depth)
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

        if (schema.TryGetProperty("$ref", out var reference))
        {
            var target = VisitRefTarget(reference, path);
            return JsonSchemaKeywords.HasConstraintsBesides(schema, "$ref")
                ? VisitAll([target, Without(schema, "$ref")], path, hint, depth)
                : VisitRef(reference.GetString()!, target, path, depth);
        }

        if (schema.TryGetProperty("allOf", out var allOf))
        {
            var parts = Items(allOf, "allOf", path).ToList();
            parts.Add(Without(schema, "allOf"));
            return VisitAll(parts, path, hint, depth);
        }

        foreach (var keyword in (ReadOnlySpan<string>)["anyOf", "oneOf"])
        {
            if (schema.TryGetProperty(keyword, out var alternatives))
            {
                return VisitAlternatives(schema, keyword, alternatives, path, hint, depth);
            }
        }

        var types = ReadTypes(schema, path);
        if (schema.TryGetProperty("const", out var constant))
        {
            return Literals([constant], schema, types, hint);
        }

        if (schema.TryGetProperty("enum", out var values))
        {
            return Literals(Items(values, "enum", path), schema, types, hint);
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
        "string" => StringRule(schema, path, hint),
        "integer" => IntegerRule(schema, path, hint),
        "number" => NumberRule(schema, path, hint),
        "boolean" => _json.Boolean,
        "null" => _json.Null,
        "object" => ObjectRule(schema, path, hint, depth),
        "array" => ArrayRule(schema, path, hint, depth),
        _ => throw new ArgumentException($"The JSON schema keyword 'type' at '{path}' names an unknown type '{type}'."),
    };

    private string? Alternatives(string hint, List<string> names) => names.Count switch
    {
        0 => null,
        1 => names[0],
        _ => _rules.Add(hint, string.Join(" | ", names)),
    };

    /// <summary>The enumerated values that also satisfy the schema's other keywords, as canonical JSON literals.</summary>
    private string? Literals(IEnumerable<JsonElement> values, JsonElement schema, List<string>? types, string hint)
    {
        var literals = values
            .Where(v => JsonValueFilter.Satisfies(v, schema, types))
            .Select(v => GbnfText.Literal(JsonLiteral.Canonical(v)))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        return literals.Count == 0 ? null : _rules.Add(hint, string.Join(" | ", literals));
    }

    private static JsonElement.ArrayEnumerator Items(JsonElement array, string keyword, string path) =>
        array.ValueKind == JsonValueKind.Array
            ? array.EnumerateArray()
            : throw new ArgumentException($"The JSON schema keyword '{keyword}' at '{path}' must be an array.");
}
