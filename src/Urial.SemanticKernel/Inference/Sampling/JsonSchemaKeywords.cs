using System.Text.Json;

namespace Urial.SemanticKernel;

/// <summary>The JSON Schema keywords the GBNF converter understands, ignores, or rejects.</summary>
internal static class JsonSchemaKeywords
{
    /// <summary>Keywords that constrain values and are translated into the grammar.</summary>
    public static readonly HashSet<string> Handled = new(StringComparer.Ordinal)
    {
        "type", "enum", "const", "properties", "required", "additionalProperties", "items", "minItems", "maxItems",
        "minLength", "maxLength", "format", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
        "anyOf", "oneOf", "allOf", "$ref", "$defs", "definitions",
    };

    /// <summary>Annotation keywords with no effect on validity; ignored.</summary>
    public static readonly HashSet<string> Annotations = new(StringComparer.Ordinal)
    {
        "$schema", "$id", "$comment", "title", "description", "default", "examples", "deprecated", "readOnly",
        "writeOnly", "contentEncoding", "contentMediaType",
    };

    /// <summary>Keywords that constrain values but have no grammar translation: a schema using them is rejected, never silently loosened.</summary>
    public static readonly HashSet<string> Rejected = new(StringComparer.Ordinal)
    {
        "pattern", "patternProperties", "not", "if", "then", "else", "prefixItems", "uniqueItems", "contains",
        "minContains", "maxContains", "multipleOf", "minProperties", "maxProperties", "propertyNames",
        "dependentRequired", "dependentSchemas", "dependencies", "unevaluatedItems", "unevaluatedProperties",
        "additionalItems", "$dynamicRef", "$recursiveRef",
    };

    /// <summary>
    /// Throws <see cref="NotSupportedException"/> for the first keyword of <paramref name="schema"/> that constrains
    /// values without a grammar translation. Keywords outside the JSON Schema vocabulary (Semantic Kernel writes a
    /// function's description as <c>condition</c>) are annotations by the specification and ignored. <c>uniqueItems: false</c> is accepted (it is the default); <c>pattern</c> is
    /// accepted only when <paramref name="patternIsIrrelevant"/> (the converter drops the string branch).
    /// </summary>
    public static void RejectUnsupported(JsonElement schema, string path, bool patternIsIrrelevant)
    {
        foreach (var property in schema.EnumerateObject())
        {
            var name = property.Name;
            if (!Rejected.Contains(name))
            {
                continue;
            }

            if (name == "uniqueItems" && property.Value.ValueKind == JsonValueKind.False)
            {
                continue;
            }

            if (name == "pattern" && patternIsIrrelevant)
            {
                continue;
            }

            throw Unsupported(name, path);
        }
    }

    /// <summary>Creates the exception for an unsupported keyword at a JSON pointer path.</summary>
    public static NotSupportedException Unsupported(string keyword, string path, string? detail = null) =>
        new($"JSON Schema keyword '{keyword}' at '{path}/{Escape(keyword)}' is not supported by the GBNF grammar converter"
            + (detail is null ? "." : ": " + detail));

    /// <summary>Escapes a JSON pointer segment (<c>~</c> → <c>~0</c>, <c>/</c> → <c>~1</c>).</summary>
    public static string Escape(string segment) => segment.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    /// <summary>Whether a schema accepts everything (<c>true</c> or <c>{}</c>, annotations allowed).</summary>
    public static bool IsTriviallyTrue(JsonElement schema) =>
        schema.ValueKind == JsonValueKind.True
        || (schema.ValueKind == JsonValueKind.Object && schema.EnumerateObject().All(p => !Handled.Contains(p.Name) && !Rejected.Contains(p.Name)));
}
