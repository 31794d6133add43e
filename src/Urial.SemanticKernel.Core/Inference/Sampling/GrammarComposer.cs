using System.Text.Json;

namespace Urial.SemanticKernel;

/// <summary>
/// Builds one GBNF grammar from several parts (schemas converted with their own <c>$ref</c> roots, hand-written rules)
/// over a single rule set, so shared rules are written once and names never collide; <see cref="Finish"/> checks the
/// result against <see cref="JsonSchemaBounds"/> before anything native sees it.
/// </summary>
internal sealed class GrammarComposer
{
    /// <summary>Creates a composer whose rules follow <paramref name="limits"/>.</summary>
    public GrammarComposer(JsonGrammarLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        limits.Validate();
        Limits = limits;
        Rules.Reserve("root");
        Json = new JsonPrimitiveRules(Rules, limits);
    }

    /// <summary>Gets the limits every part follows.</summary>
    public JsonGrammarLimits Limits { get; }

    /// <summary>Gets the shared rule set.</summary>
    public GbnfRuleSet Rules { get; } = new();

    /// <summary>Gets the JSON building blocks over the shared rules.</summary>
    public JsonPrimitiveRules Json { get; }

    /// <summary>Adds the rules of a JSON schema document (its <c>$ref</c>s resolve within it) and returns its rule name.</summary>
    /// <exception cref="ArgumentException">The schema is malformed, too complex, or admits no value within the limits.</exception>
    public string Schema(JsonElement schema, string hint) => new JsonSchemaConverter(schema, Limits, Rules, Json).Convert(hint);

    /// <summary>Defines <c>root</c> and returns the grammar text.</summary>
    /// <exception cref="ArgumentException">The grammar exceeds <see cref="JsonSchemaBounds.MaxGrammarRules"/> or <see cref="JsonSchemaBounds.MaxGrammarLength"/>.</exception>
    public string Finish(string rootBody)
    {
        Rules.Define("root", rootBody);
        if (Rules.Count > JsonSchemaBounds.MaxGrammarRules)
        {
            throw JsonSchemaBounds.Exceeded($"MaxGrammarRules = {JsonSchemaBounds.MaxGrammarRules}", "#", $"a grammar of {Rules.Count} rules");
        }

        var grammar = Rules.ToString();
        if (grammar.Length > JsonSchemaBounds.MaxGrammarLength)
        {
            throw JsonSchemaBounds.Exceeded($"MaxGrammarLength = {JsonSchemaBounds.MaxGrammarLength} characters", "#", $"a grammar of {grammar.Length} characters");
        }

        return grammar;
    }
}
