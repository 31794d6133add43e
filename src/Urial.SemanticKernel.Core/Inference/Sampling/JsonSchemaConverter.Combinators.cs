using System.Text.Json;
using System.Text.Json.Nodes;

namespace Urial.SemanticKernel;

/// <content>References and combinators: <c>$ref</c>, <c>allOf</c>, <c>anyOf</c>, <c>oneOf</c>.</content>
internal sealed partial class JsonSchemaConverter
{
    private JsonElement VisitRefTarget(JsonElement reference, string path)
    {
        var text = reference.ValueKind == JsonValueKind.String ? reference.GetString()! : throw new ArgumentException($"The JSON schema keyword '$ref' at '{path}' must be a string.");
        if (!text.StartsWith('#'))
        {
            throw new ArgumentException($"The JSON schema $ref '{text}' at '{path}' is not local: only references into the same schema ('#...') can be resolved.");
        }

        return JsonLiteral.ResolvePointer(_document, text)
            ?? throw new ArgumentException($"The JSON schema $ref '{text}' at '{path}' does not resolve.");
    }

    private string? VisitRef(string reference, JsonElement target, string path, int depth)
    {
        var key = (reference, depth);
        if (_refs.TryGetValue(key, out var known))
        {
            return known;
        }

        if (!_refsInProgress.Add(key))
        {
            throw new ArgumentException($"The JSON schema $ref '{reference}' at '{path}' refers to itself without an enclosing object or array, so it admits no finite value.");
        }

        if (++_activeRefs > JsonSchemaBounds.MaxRefChain)
        {
            throw JsonSchemaBounds.Exceeded($"MaxRefChain = {JsonSchemaBounds.MaxRefChain}", path, "the chain of $ref followed");
        }

        try
        {
            var segments = reference.Split('/');
            var hint = segments.Length > 1 ? GbnfText.RuleName(segments[^1]) : "root-ref";
            var result = Visit(target, reference, hint, depth);
            _refs[key] = result;
            return result;
        }
        finally
        {
            _activeRefs--;
            _refsInProgress.Remove(key);
        }
    }

    /// <summary>
    /// <c>allOf</c> (and <c>$ref</c> beside other keywords): the parts are merged into one schema (<see cref="JsonSchemaMerge"/>),
    /// following references and nested <c>allOf</c>s; what cannot be merged is enforced after decoding.
    /// </summary>
    private string? VisitAll(List<JsonElement> parts, string path, string hint, int depth)
    {
        var flat = new List<JsonElement>();
        Flatten(parts, path, flat, 0);
        var merged = JsonSchemaMerge.Merge(flat, path);
        return merged is null ? null : Visit(merged.Value, path, hint, depth);
    }

    private void Flatten(IEnumerable<JsonElement> parts, string path, List<JsonElement> into, int level)
    {
        if (level > JsonSchemaBounds.MaxRefChain)
        {
            throw JsonSchemaBounds.Exceeded($"MaxRefChain = {JsonSchemaBounds.MaxRefChain}", path, "the chain of $ref and allOf followed");
        }

        foreach (var part in parts)
        {
            if (++_visits > JsonSchemaBounds.MaxSchemaVisits)
            {
                throw JsonSchemaBounds.Exceeded($"MaxSchemaVisits = {JsonSchemaBounds.MaxSchemaVisits}", path, "the number of subschemas visited");
            }

            if (part.ValueKind == JsonValueKind.Object && part.TryGetProperty("$ref", out var reference))
            {
                Flatten([VisitRefTarget(reference, path), Without(part, "$ref")], path, into, level + 1);
            }
            else if (part.ValueKind == JsonValueKind.Object && part.TryGetProperty("allOf", out var allOf))
            {
                Flatten([.. Items(allOf, "allOf", path), Without(part, "allOf")], path, into, level + 1);
            }
            else
            {
                into.Add(part);
            }
        }
    }

    /// <summary>
    /// <c>anyOf</c> and <c>oneOf</c>: one grammar alternative per branch, each merged with the schema's other keywords.
    /// <c>oneOf</c> is generated the same way: exact when no value can match two branches (distinct types, distinct
    /// <c>const</c> discriminators), otherwise its "exactly one" rule is enforced after decoding.
    /// </summary>
    private string? VisitAlternatives(JsonElement schema, string keyword, JsonElement alternatives, string path, string hint, int depth)
    {
        var rest = Without(schema, keyword);
        var shared = JsonSchemaKeywords.HasConstraintsBesides(rest, "$defs");
        var names = new List<string>();
        var i = 0;
        foreach (var alternative in Items(alternatives, keyword, path))
        {
            var branchPath = $"{path}/{keyword}/{i}";
            var name = shared
                ? VisitAll([rest, alternative], branchPath, $"{hint}-{i}", depth)
                : Visit(alternative, branchPath, $"{hint}-{i}", depth);
            i++;
            if (name is not null && !names.Contains(name))
            {
                names.Add(name);
            }
        }

        return Alternatives(hint, names);
    }

    /// <summary>A copy of a schema object without one keyword.</summary>
    private static JsonElement Without(JsonElement schema, string keyword)
    {
        var copy = new JsonObject();
        foreach (var property in schema.EnumerateObject())
        {
            if (property.Name != keyword && property.Name is not ("$defs" or "definitions"))
            {
                copy[property.Name] = JsonSchemaMerge.Node(property.Value, "#");
            }
        }

        return JsonSchemaMerge.ToElement(copy, "#");
    }
}
