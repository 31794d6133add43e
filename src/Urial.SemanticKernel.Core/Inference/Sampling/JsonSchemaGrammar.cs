using System.Text.Json;

namespace Urial.SemanticKernel;

/// <summary>
/// Converts JSON Schema into a bounded llama.cpp GBNF grammar whose start rule is <c>root</c>.
/// </summary>
/// <remarks>
/// <para>Every repetition is bounded by <see cref="JsonGrammarLimits"/>, so sampling always terminates; every recursion
/// over the schema by <see cref="JsonSchemaBounds"/>. Whitespace between tokens is at most one optional space. Output is
/// JSON with object properties in declaration order, strings in raw UTF-8, numbers in plain decimal notation.</para>
/// <para>No keyword makes the conversion fail: keywords the grammar cannot express (<see cref="JsonSchemaKeywords.AfterDecoding"/>)
/// are left to the validation of the answer against the whole schema; docs/function-calling.md lists which keyword is
/// exact, enforced after decoding, or ignored.</para>
/// </remarks>
internal static class JsonSchemaGrammar
{
    /// <summary>Builds a GBNF grammar (start rule <c>root</c>) for values valid under <paramref name="schema"/>.</summary>
    /// <param name="schema">A JSON Schema document (object or boolean).</param>
    /// <param name="limits">Bounds for every repetition.</param>
    /// <exception cref="ArgumentException">The schema is malformed, too complex, or admits no value within the limits.</exception>
    public static string FromSchema(JsonElement schema, JsonGrammarLimits limits)
    {
        var composer = new GrammarComposer(limits);
        return composer.Finish(composer.Schema(schema, "value"));
    }

    /// <summary>Builds a bounded GBNF grammar (start rule <c>root</c>) for any JSON object.</summary>
    /// <param name="limits">Bounds for every repetition.</param>
    public static string ForAnyJsonObject(JsonGrammarLimits limits)
    {
        var composer = new GrammarComposer(limits);
        return composer.Finish(limits.MaxDepth > 0 ? composer.Json.AnyObject(0) : composer.Rules.Add("empty-object", "\"{\" \"}\""));
    }
}
