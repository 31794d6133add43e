using System.Text.Json;

namespace Urial.SemanticKernel;

/// <summary>
/// Checks a whole schema before a validator walks it: the validator (JsonSchema.Net) recurses through nesting and
/// through <c>$ref</c>s and in-place applicators (<c>allOf</c>, <c>not</c>, …) at one instance location, including
/// parts the grammar never visits. Depth, size and such chains are bounded here without recursion over the caller's data.
/// </summary>
internal static class JsonSchemaSafety
{
    /// <summary>The most JSON values a schema may hold.</summary>
    public const int MaxSchemaValues = 100_000;

    private static readonly string[] InPlace = ["allOf", "anyOf", "oneOf", "not", "if", "then", "else"];

    /// <summary>Throws when the schema nests too deeply, is too large, or chains references and in-place applicators too long (or in a cycle).</summary>
    /// <exception cref="ArgumentException">A bound is exceeded; the message names it and the JSON pointer.</exception>
    public static void Check(JsonElement schema)
    {
        var stack = new Stack<(JsonElement Value, string Path, int Depth)>();
        stack.Push((schema, "#", 0));
        var count = 0;
        while (stack.Count > 0)
        {
            var (value, path, depth) = stack.Pop();
            if (++count > MaxSchemaValues)
            {
                throw JsonSchemaBounds.Exceeded($"MaxSchemaValues = {MaxSchemaValues}", path, "the size of the schema");
            }

            if (depth > JsonSchemaBounds.MaxSchemaNesting)
            {
                throw JsonSchemaBounds.Exceeded($"MaxSchemaNesting = {JsonSchemaBounds.MaxSchemaNesting}", path, "the nesting of the schema");
            }

            if (value.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in value.EnumerateObject())
                {
                    stack.Push((property.Value, $"{path}/{JsonSchemaKeywords.Escape(property.Name)}", depth + 1));
                }

                if (value.TryGetProperty("$ref", out _) || InPlace.Any(k => value.TryGetProperty(k, out _)))
                {
                    CheckChain(schema, value, path);
                }
            }
            else if (value.ValueKind == JsonValueKind.Array)
            {
                var i = 0;
                foreach (var item in value.EnumerateArray())
                {
                    stack.Push((item, $"{path}/{i++}", depth + 1));
                }
            }
        }
    }

    /// <summary>Follows, breadth first, every chain of references and in-place applicators from one subschema; none may exceed MaxRefChain.</summary>
    private static void CheckChain(JsonElement document, JsonElement start, string path)
    {
        var frontier = new List<JsonElement> { start };
        for (var hops = 0; frontier.Count > 0; hops++)
        {
            if (hops > JsonSchemaBounds.MaxRefChain)
            {
                throw JsonSchemaBounds.Exceeded($"MaxRefChain = {JsonSchemaBounds.MaxRefChain}", path, "the chain of $ref and in-place subschemas (allOf, anyOf, oneOf, not, if/then/else) that applies to one value");
            }

            var next = new List<JsonElement>();
            foreach (var node in frontier.Where(n => n.ValueKind == JsonValueKind.Object))
            {
                if (node.TryGetProperty("$ref", out var reference) && reference.ValueKind == JsonValueKind.String
                    && reference.GetString()!.StartsWith('#') && JsonLiteral.ResolvePointer(document, reference.GetString()!) is { } target)
                {
                    next.Add(target);
                }

                foreach (var keyword in InPlace)
                {
                    if (node.TryGetProperty(keyword, out var applied))
                    {
                        next.AddRange(applied.ValueKind == JsonValueKind.Array ? applied.EnumerateArray() : [applied]);
                    }
                }
            }

            if (next.Count > MaxSchemaValues)
            {
                throw JsonSchemaBounds.Exceeded($"MaxSchemaValues = {MaxSchemaValues}", path, "the subschemas that apply to one value");
            }

            frontier = next;
        }
    }
}
