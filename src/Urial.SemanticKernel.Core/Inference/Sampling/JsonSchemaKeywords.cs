using System.Collections.Frozen;
using System.Text.Json;

namespace Urial.SemanticKernel;

/// <summary>
/// How the GBNF converter treats each JSON Schema keyword. No keyword ever fails a request: what the grammar cannot
/// express is enforced after decoding, by validating the answer against the whole schema (JsonSchema.Net).
/// </summary>
internal static class JsonSchemaKeywords
{
    /// <summary>Keywords translated into the grammar (exactly, or within the documented limits).</summary>
    public static readonly FrozenSet<string> InGrammar = FrozenSet.Create(
        StringComparer.Ordinal,
        "type", "enum", "const", "properties", "required", "additionalProperties", "items", "prefixItems", "minItems", "maxItems",
        "minLength", "maxLength", "format", "pattern", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
        "anyOf", "oneOf", "allOf", "$ref", "$defs", "definitions", "minProperties", "maxProperties");

    /// <summary>Keywords that constrain values but have no grammar translation: enforced after decoding only.</summary>
    public static readonly FrozenSet<string> AfterDecoding = FrozenSet.Create(
        StringComparer.Ordinal,
        "not", "if", "then", "else", "uniqueItems", "contains", "minContains", "maxContains", "multipleOf", "propertyNames",
        "patternProperties", "dependentRequired", "dependentSchemas", "dependencies", "unevaluatedItems", "unevaluatedProperties",
        "additionalItems", "$dynamicRef", "$recursiveRef");

    /// <summary>Annotation keywords with no effect on validity; ignored (like every keyword outside the vocabulary).</summary>
    public static readonly FrozenSet<string> Annotations = FrozenSet.Create(
        StringComparer.Ordinal,
        "$schema", "$id", "$anchor", "$dynamicAnchor", "$comment", "$vocabulary", "title", "description", "default", "examples",
        "deprecated", "readOnly", "writeOnly", "contentEncoding", "contentMediaType", "contentSchema");

    /// <summary>Whether a schema accepts every value (<c>true</c>, or an object with only annotations and unknown keywords).</summary>
    public static bool IsTriviallyTrue(JsonElement schema) =>
        schema.ValueKind == JsonValueKind.True
        || (schema.ValueKind == JsonValueKind.Object
            && schema.EnumerateObject().All(p => !InGrammar.Contains(p.Name) && !AfterDecoding.Contains(p.Name)));

    /// <summary>Whether a schema object constrains values with a keyword other than <paramref name="except"/> and <c>$defs</c>.</summary>
    public static bool HasConstraintsBesides(JsonElement schema, string except) =>
        schema.EnumerateObject().Any(p => p.Name != except && p.Name is not ("$defs" or "definitions")
            && (InGrammar.Contains(p.Name) || AfterDecoding.Contains(p.Name)));

    /// <summary>Escapes a JSON pointer segment (<c>~</c> → <c>~0</c>, <c>/</c> → <c>~1</c>).</summary>
    public static string Escape(string segment) => segment.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
}
