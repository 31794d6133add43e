using System.Text.Json.Nodes;
using CsCheck;

namespace Urial.SemanticKernel;

/// <summary>
/// CsCheck generators of JSON Schemas inside the subset the GBNF converter enforces exactly (see
/// <see cref="JsonSchemaGrammar"/>), kept small so that sampling instances on the real model is fast.
/// </summary>
/// <remarks>
/// Coverage (every keyword the converter translates; none of the keywords enforced only after decoding): objects with 0–4 properties (names with spaces, quotes, backslashes, control characters, non-ASCII and
/// non-BMP characters, the empty name), random required subsets, <c>additionalProperties</c> false or absent;
/// strings with <c>enum</c>/<c>const</c>/<c>minLength</c>/<c>maxLength</c>/<c>format</c> (every format with a grammar)/<c>pattern</c>
/// (<see cref="SchemaPatterns"/>); integers and numbers with arbitrary bounds (one- or two-sided, inclusive or exclusive);
/// <c>allOf</c> (objects, ranges), tuples (<c>prefixItems</c>), maps with <c>minProperties</c>/<c>maxProperties</c>;
/// booleans; null; arrays with <c>items</c> and <c>minItems</c>/<c>maxItems</c>; containers nested to depth 3;
/// nullable unions <c>type: [T, "null"]</c>; <c>anyOf</c> of 2–3 arbitrary alternatives and <c>oneOf</c> of 2–3
/// alternatives of distinct types (the converter does not enforce oneOf exclusivity); <c>$defs</c> + <c>$ref</c>.
/// </remarks>
internal static class SchemaGen
{
    /// <summary>The deepest nesting level of containers.</summary>
    public const int MaxDepth = 3;

    /// <summary>The names under <c>$defs</c> of a generated schema that uses references.</summary>
    public static readonly string[] DefNames = ["Thing", "a~b/c", "Ünï"];

    private static readonly string[] s_fragments =
    [
        "a", "name", "x", "with space", " ", "q\"uote", "back\\slash", "tab\t", "new\nline", "\u0001", "émoji✓",
        "中文", "😀", "~", "/", "-", "_", "0", "null", "{}", "[", ":",
    ];

    private static readonly Gen<string> s_text = Gen.OneOf(s_fragments).Array[0, 3].Select(string.Concat);

    private static readonly Gen<string[]> s_distinctTexts = s_text.Array[1, 3].Select(a => a.Distinct(StringComparer.Ordinal).ToArray());

    private static readonly Dictionary<(int Depth, bool Refs, bool Exclusive), Gen<JsonNode>> s_cache = [];

    /// <summary>A root schema: any schema, optionally with <c>$defs</c> that its subschemas reference.</summary>
    public static Gen<JsonNode> Root { get; } = Gen.Frequency(
        (3, Schema(0, refs: false)),
        (1, Gen.Select(Defs, Object(0, refs: true), (defs, root) =>
        {
            root["$defs"] = defs;
            return (JsonNode)root;
        })));

    private static Gen<JsonObject> Defs =>
        Schema(1, refs: false).Array[DefNames.Length].Select(schemas =>
        {
            var defs = new JsonObject();
            for (var i = 0; i < schemas.Length; i++)
            {
                defs[DefNames[i]] = schemas[i];
            }

            return defs;
        });

    /// <summary>Any schema at container depth <paramref name="depth"/>.</summary>
    private static Gen<JsonNode> Schema(int depth, bool refs) => Cached(depth, refs, exclusive: false, () =>
    {
        var choices = new List<(int, IGen<JsonNode>)>
        {
            (6, Scalar),
            (2, Nullable(depth, refs)),
        };
        if (depth < MaxDepth)
        {
            choices.Add((3, Object(depth, refs).Select(o => (JsonNode)o)));
            choices.Add((2, Array(depth, refs)));
            choices.Add((1, AnyOf(depth, refs)));
            choices.Add((1, OneOf(depth, refs)));
            choices.Add((1, AllOf(depth, refs)));
            choices.Add((1, Tuple(depth, refs)));
            choices.Add((1, Map(depth, refs)));
        }

        if (refs)
        {
            choices.Add((2, Gen.OneOf(DefNames).Select(n => (JsonNode)new JsonObject { ["$ref"] = "#/$defs/" + Pointer(n) })));
        }

        return Gen.Frequency(choices.ToArray());
    });

    private static Gen<JsonNode> Cached(int depth, bool refs, bool exclusive, Func<Gen<JsonNode>> create)
    {
        lock (s_cache)
        {
            if (!s_cache.TryGetValue((depth, refs, exclusive), out var gen))
            {
                gen = create();
                s_cache[(depth, refs, exclusive)] = gen;
            }

            return gen;
        }
    }

    private static Gen<JsonNode> Scalar => Gen.OneOf<JsonNode>(StringSchema, IntegerSchema, NumberSchema, Typed("boolean"), Typed("null"));

    private static Gen<JsonNode> Typed(string type) => Gen.Const(0).Select(_ => (JsonNode)new JsonObject { ["type"] = type });

    private static Gen<JsonNode> StringSchema => Gen.OneOf<JsonNode>(
        Typed("string"),
        Gen.Select(Gen.Int[0, 4], Gen.Int[0, 6], Gen.Bool, (min, extra, withMin) =>
        {
            var schema = new JsonObject { ["type"] = "string", ["maxLength"] = min + extra };
            if (withMin)
            {
                schema["minLength"] = min;
            }

            return (JsonNode)schema;
        }),
        Gen.Int[1, 5].Select(min => (JsonNode)new JsonObject { ["type"] = "string", ["minLength"] = min }),
        s_distinctTexts.Select(values => (JsonNode)new JsonObject { ["type"] = "string", ["enum"] = new JsonArray([.. values.Select(v => (JsonNode?)v)]) }),
        Gen.Select(s_text, Gen.Bool, (value, typed) =>
        {
            var schema = new JsonObject { ["const"] = value };
            if (typed)
            {
                schema["type"] = "string";
            }

            return (JsonNode)schema;
        }),
        Gen.OneOf("date", "time", "date-time", "uuid", "email", "uri", "ipv4").Select(f => (JsonNode)new JsonObject { ["type"] = "string", ["format"] = f }),
        Gen.Int[0, SchemaPatterns.All.Length - 1].Select(i => (JsonNode)new JsonObject { ["type"] = "string", ["pattern"] = SchemaPatterns.All[i].Pattern }));

    private static Gen<JsonNode> IntegerSchema => Gen.OneOf<JsonNode>(
        Typed("integer"),
        // Any bounds (not powers of ten), inclusive or exclusive, one- or two-sided.
        Gen.Select(Gen.Long[-100_000, 100_000], Gen.Long[0, 200_000], Gen.Int[0, 3], Gen.Int[0, 3], (lo, width, lowShape, highShape) =>
        {
            var schema = new JsonObject { ["type"] = "integer" };
            if (lowShape > 0)
            {
                schema[lowShape == 1 ? "exclusiveMinimum" : "minimum"] = lo;
            }

            if (highShape > 0 || lowShape == 0)
            {
                schema[highShape == 1 ? "exclusiveMaximum" : "maximum"] = lo + (width / (highShape == 3 ? 1000 : 1)) + 1;
            }

            return (JsonNode)schema;
        }));

    private static Gen<JsonNode> NumberSchema => Gen.OneOf<JsonNode>(
        Typed("number"),
        // Decimal bounds with up to three fraction digits, inclusive or exclusive, one- or two-sided.
        Gen.Select(Gen.Int[-50_000, 50_000], Gen.Int[1, 100_000], Gen.Int[0, 3], Gen.Int[0, 3], (lo, width, lowShape, highShape) =>
        {
            var schema = new JsonObject { ["type"] = "number" };
            var low = lo / 1000m;
            if (lowShape > 0)
            {
                schema[lowShape == 1 ? "exclusiveMinimum" : "minimum"] = low;
            }

            if (highShape > 0 || lowShape == 0)
            {
                schema[highShape == 1 ? "exclusiveMaximum" : "maximum"] = low + (width / 1000m);
            }

            return (JsonNode)schema;
        }));

    private static Gen<JsonObject> Object(int depth, bool refs) =>
        Gen.Select(
            Gen.Select(s_text, Schema(depth + 1, refs), Gen.Bool).Array[0, 4 - depth],
            Gen.Bool,
            (members, closed) =>
            {
                var properties = new JsonObject();
                var required = new JsonArray();
                foreach (var (name, schema, isRequired) in members)
                {
                    if (properties.ContainsKey(name))
                    {
                        continue;
                    }

                    properties[name] = schema;
                    if (isRequired)
                    {
                        required.Add(name);
                    }
                }

                var result = new JsonObject { ["type"] = "object" };
                if (properties.Count > 0)
                {
                    result["properties"] = properties;
                }

                if (required.Count > 0)
                {
                    result["required"] = required;
                }

                // Without declared properties an open object is free-form (bounded by the grammar limits).
                if (closed)
                {
                    result["additionalProperties"] = false;
                }

                return result;
            });

    private static Gen<JsonNode> Array(int depth, bool refs) =>
        Gen.Select(Schema(depth + 1, refs), Gen.Int[0, 2], Gen.Int[0, 3], Gen.Int[0, 3], (items, min, extra, bounds) =>
        {
            var schema = new JsonObject { ["type"] = "array", ["items"] = items };
            if ((bounds & 1) != 0)
            {
                schema["minItems"] = min;
            }

            if ((bounds & 2) != 0)
            {
                schema["maxItems"] = min + extra;
            }

            return (JsonNode)schema;
        });

    /// <summary>A schema of one JSON type, made nullable with <c>type: [T, "null"]</c>.</summary>
    private static Gen<JsonNode> Nullable(int depth, bool refs) =>
        Exclusive(depth, refs).Select(node =>
        {
            var schema = node.AsObject();
            if (schema["type"] is JsonValue type && type.GetValue<string>() is var name)
            {
                schema["type"] = new JsonArray(name, "null");
            }
            else
            {
                schema["type"] = new JsonArray("string", "null"); // an untyped const string
            }

            return (JsonNode)schema;
        });

    private static Gen<JsonNode> AnyOf(int depth, bool refs) =>
        Schema(depth + 1, refs).Array[2, 3].Select(alternatives => (JsonNode)new JsonObject { ["anyOf"] = new JsonArray(alternatives) });

    /// <summary><c>allOf</c> of an object and a schema that adds a property and tightens a shared one, or of two numeric ranges.</summary>
    private static Gen<JsonNode> AllOf(int depth, bool refs) => Gen.OneOf<JsonNode>(
        Gen.Select(Object(depth, refs), Gen.Int[0, 9], Gen.Bool, (first, bound, required) => (JsonNode)new JsonObject
        {
            ["allOf"] = new JsonArray(
                first,
                new JsonObject
                {
                    ["properties"] = new JsonObject { ["n"] = new JsonObject { ["type"] = "integer", ["minimum"] = bound, ["maximum"] = bound + 7 } },
                    ["required"] = required ? new JsonArray("n") : new JsonArray(),
                }),
        }),
        Gen.Select(IntegerSchema, IntegerSchema, (a, b) => (JsonNode)new JsonObject { ["allOf"] = new JsonArray(a, b) }));

    /// <summary>A tuple: <c>prefixItems</c>, then <c>items</c> or none.</summary>
    private static Gen<JsonNode> Tuple(int depth, bool refs) =>
        Gen.Select(Schema(depth + 1, refs).Array[1, 3], Gen.Bool, Gen.Int[0, 2], (prefix, more, min) => (JsonNode)new JsonObject
        {
            ["type"] = "array",
            ["prefixItems"] = new JsonArray(prefix),
            ["items"] = more ? new JsonObject { ["type"] = "boolean" } : JsonValue.Create(false),
            ["minItems"] = Math.Min(min, prefix.Length),
        });

    /// <summary>A map of <c>additionalProperties</c> with <c>minProperties</c>/<c>maxProperties</c>.</summary>
    private static Gen<JsonNode> Map(int depth, bool refs) =>
        Gen.Select(Scalar, Gen.Int[0, 2], Gen.Int[0, 2], (value, min, extra) => (JsonNode)new JsonObject
        {
            ["type"] = "object",
            ["additionalProperties"] = value,
            ["minProperties"] = min,
            ["maxProperties"] = min + extra,
        });

    /// <summary>2–3 alternatives of pairwise distinct JSON types, so exactly one alternative matches any instance.</summary>
    private static Gen<JsonNode> OneOf(int depth, bool refs) =>
        Gen.Select(Gen.Shuffle(new[] { "string", "integer", "boolean", "null", "object", "array" }, 3), Gen.Bool, (types, three) => (types, three))
            .SelectMany(t => Gen.Select(OfType(t.types[0], depth + 1, refs), OfType(t.types[1], depth + 1, refs), OfType(t.types[2], depth + 1, refs), (a, b, c) =>
                (JsonNode)new JsonObject { ["oneOf"] = t.three ? new JsonArray(a, b, c) : new JsonArray(a, b) }));

    private static Gen<JsonNode> Exclusive(int depth, bool refs) => Cached(depth, refs, exclusive: true, () =>
    {
        string[] types = depth < MaxDepth ? ["string", "integer", "number", "boolean", "object", "array"] : ["string", "integer", "number", "boolean"];
        return Gen.OneOf(types).SelectMany(type => OfType(type, depth, refs));
    });

    private static Gen<JsonNode> OfType(string type, int depth, bool refs) => type switch
    {
        "string" => StringSchema,
        "integer" => IntegerSchema,
        "number" => NumberSchema,
        "object" when depth < MaxDepth => Object(depth, refs).Select(o => (JsonNode)o),
        "array" when depth < MaxDepth => Array(depth, refs),
        "object" => Gen.Const(0).Select(_ => (JsonNode)new JsonObject { ["type"] = "object", ["additionalProperties"] = false }),
        "array" => Gen.Const(0).Select(_ => (JsonNode)new JsonObject { ["type"] = "array", ["maxItems"] = 0 }),
        _ => Typed(type),
    };

    /// <summary>Escapes a JSON pointer segment (<c>~</c> → <c>~0</c>, <c>/</c> → <c>~1</c>).</summary>
    private static string Pointer(string segment) => segment.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
}
