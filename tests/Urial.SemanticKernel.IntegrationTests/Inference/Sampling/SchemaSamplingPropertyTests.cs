using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CsCheck;
using Json.Schema;
using Xunit;

namespace Urial.SemanticKernel;

/// <summary>
/// Property: for generated schemas (<see cref="SchemaGen"/>: every keyword the converter translates) and random output
/// budgets, the grammar planned for the budget (<see cref="JsonGrammarBudget"/>) makes the real model's answer close
/// before the budget runs out (finish reason Stop) and be valid against the schema (JsonSchema.Net, formats included);
/// when the planner refuses a budget, the size it names is enough.
/// </summary>
public sealed partial class SchemaSamplingPropertyTests : IAsyncLifetime
{
    /// <summary>The CsCheck seed: the same schemas on every run. Change it (or set CsCheck_Seed) to explore others.</summary>
    private const string Seed = "0000000000000";

    private const int BudgetSeed = 20_240_611;

    // 520 by default (about a minute on two cores); set URIAL_SCHEMA_SAMPLES to explore more.
    private static readonly int Schemas = int.Parse(Environment.GetEnvironmentVariable("URIAL_SCHEMA_SAMPLES") ?? "520", CultureInfo.InvariantCulture);

    private static readonly JsonGrammarLimits Limits =
        JsonGrammarLimits.Default with { MaxStringLength = 8, MaxArrayItems = 3, MaxObjectProperties = 3 };

    private readonly UrialEngine _engine = new(new UrialEngineOptions { ModelPath = TestModel.Path, ContextSize = 4096, BatchSize = 256, MaxConcurrentRequests = 8 });

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <inheritdoc />
    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _engine.DisposeAsync();

    [Fact]
    public async Task Answers_close_within_random_budgets_and_validate_against_the_schema()
    {
        var stopwatch = Stopwatch.StartNew();
        var schemas = new List<JsonNode>();
        SchemaGen.Root.Sample(schema => schemas.Add(schema), seed: Seed, iter: Schemas, threads: 1);
        var random = new Random(BudgetSeed);
        var cases = schemas.Select((schema, i) => (Schema: schema.ToJsonString(), Budget: random.Next(16, 257), SamplingSeed: (long)i)).ToList();

        var sampled = 0;
        var refused = 0;
        foreach (var batch in cases.Chunk(8))
        {
            var results = await Task.WhenAll(batch.Select(c => CheckAsync(c.Schema, c.Budget, c.SamplingSeed)));
            sampled += results.Count(r => r == Outcome.Sampled);
            refused += results.Count(r => r == Outcome.BudgetRefused);
        }

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"seed {Seed}, budget seed {BudgetSeed}: {cases.Count} schemas, {sampled} answers sampled, {refused} budgets refused up front, {stopwatch.Elapsed.TotalSeconds:F1} s");
        Assert.True(sampled + refused >= Math.Min(500, Schemas), $"only {sampled + refused} of {Schemas} schemas were sampled");
    }

    private enum Outcome { Sampled, BudgetRefused, NoValue }

    private async Task<Outcome> CheckAsync(string schemaText, int budget, long seed)
    {
        using var schemaDocument = JsonDocument.Parse(schemaText);
        string gbnf;
        try
        {
            gbnf = JsonGrammarBudget.Fit(Limits, budget, l => JsonSchemaGrammar.FromSchema(schemaDocument.RootElement, l), $"MaxOutputTokens = {budget}").Grammar;
        }
        catch (ArgumentException e) when (NeededRegex().Match(e.Message) is { Success: true } match)
        {
            // Refused up front: the size named must be more than the budget, and enough.
            var needed = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            Assert.True(needed > budget, $"{e.Message} (budget {budget})");
            var (enough, _) = JsonGrammarBudget.Fit(Limits, needed, l => JsonSchemaGrammar.FromSchema(schemaDocument.RootElement, l), $"MaxOutputTokens = {needed}");
            await SampleAndCheckAsync(schemaText, enough, needed, seed);
            return Outcome.BudgetRefused;
        }
        catch (ArgumentException)
        {
            return Outcome.NoValue; // e.g. a required recursion deeper than MaxDepth: no value within the limits
        }

        await SampleAndCheckAsync(schemaText, gbnf, budget, seed);
        return Outcome.Sampled;
    }

    private async Task SampleAndCheckAsync(string schemaText, string gbnf, int budget, long seed)
    {
        var request = new GenerationRequest("Once upon a time")
        {
            Grammar = new GenerationGrammar(gbnf),
            MaxOutputTokens = budget,
            Sampling = new SamplingParameters { Temperature = 1, Seed = seed },
        };
        var text = new StringBuilder();
        GenerationFinishReason? finish = null;
        await foreach (var update in _engine.GenerateAsync(request, Token))
        {
            text.Append(update.Text);
            finish = update.FinishReason ?? finish;
        }

        var context = $"seed {seed}, budget {budget}: {text}\nschema: {schemaText}\ngrammar:\n{gbnf}";
        Assert.True(finish == GenerationFinishReason.Stop, $"did not close within {budget} tokens; {context}");
        JsonDocument instance;
        try
        {
            instance = JsonDocument.Parse(text.ToString());
        }
        catch (JsonException e)
        {
            Assert.Fail($"not JSON ({e.Message}); {context}");
            throw new UnreachableException();
        }

        using (instance)
        {
            var validator = JsonSchema.FromText(schemaText, new BuildOptions { SchemaRegistry = new SchemaRegistry() });
            var result = validator.Evaluate(instance.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
            Assert.True(result.IsValid, $"invalid: {Describe(result)}; {context}");
        }
    }

    private static string Describe(EvaluationResults result) =>
        string.Join("\n", (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .Select(d => $"{d.InstanceLocation}: {string.Join("; ", d.Errors!.Values)}"));

    [GeneratedRegex(@"at least (\d+)")]
    private static partial Regex NeededRegex();
}
