using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using Json.Schema;
using Xunit;

namespace Urial.SemanticKernel;

/// <summary>
/// Property: for generated schemas (<see cref="SchemaGen"/>), every instance the real model samples through the
/// engine under the converted grammar is JSON that validates against the schema (formats included).
/// </summary>
public sealed class SchemaSamplingPropertyTests(ModelFixture model) : IAsyncLifetime
{
    /// <summary>The CsCheck seed: the same schemas on every run. Change it (or set CsCheck_Seed) to explore others.</summary>
    private const string Seed = "0000000000000";

    // 32 by default (a few seconds); set URIAL_SCHEMA_SAMPLES to explore more (1500 took under 3 minutes).
    private static readonly int Schemas = int.Parse(Environment.GetEnvironmentVariable("URIAL_SCHEMA_SAMPLES") ?? "32", System.Globalization.CultureInfo.InvariantCulture);

    // Far above the longest instance the limits allow for SchemaGen's sizes, so a Length finish is a failure.
    private const int MaxOutputTokens = 1500;

    private static readonly long[] SamplingSeeds = [1, 2, 3];

    private static readonly JsonGrammarLimits Limits =
        JsonGrammarLimits.Default with { MaxStringLength = 8, MaxArrayItems = 3, MaxObjectProperties = 3 };

    private readonly UrialEngine _engine = new(new UrialEngineOptions { ModelPath = TestModel.Path, ContextSize = 2048, BatchSize = 64 });

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <inheritdoc />
    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _engine.DisposeAsync();

    [Fact]
    public async Task Instances_sampled_from_generated_schemas_validate_against_the_schema()
    {
        var stopwatch = Stopwatch.StartNew();
        var instances = 0;
        await SchemaGen.Root.SampleAsync(
            async schema =>
            {
                instances += await CheckAsync(schema);
            },
            seed: Seed,
            iter: Schemas,
            threads: 1,
            print: schema => schema.ToJsonString());
        TestContext.Current.SendDiagnosticMessage($"{Schemas} schemas, {instances} instances in {stopwatch.Elapsed.TotalSeconds:F1} s");
    }

    private async Task<int> CheckAsync(JsonNode schemaNode)
    {
        var schemaText = schemaNode.ToJsonString();
        using var schemaDocument = JsonDocument.Parse(schemaText);
        var gbnf = JsonSchemaGrammar.FromSchema(schemaDocument.RootElement, Limits);
        Assert.True(GrammarValidator.TryValidate(model.Weights.NativeHandle, gbnf, "root", out var error), $"{error}\n{gbnf}");
        var validator = JsonSchema.FromText(schemaText);
        var options = new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true };

        var samples = await Task.WhenAll(SamplingSeeds.Select(seed => SampleAsync(gbnf, seed)));
        foreach (var (seed, text, finish) in samples)
        {

            var context = $"seed {seed}: {text}\nschema: {schemaText}\ngrammar:\n{gbnf}";
            Assert.True(finish == GenerationFinishReason.Stop, $"did not finish within {MaxOutputTokens} tokens; {context}");
            JsonDocument instance;
            try
            {
                instance = JsonDocument.Parse(text);
            }
            catch (JsonException e)
            {
                Assert.Fail($"not JSON ({e.Message}); {context}");
                throw new UnreachableException();
            }

            using (instance)
            {
                var result = validator.Evaluate(instance.RootElement, options);
                Assert.True(result.IsValid, $"invalid: {Describe(result)}; {context}");
            }
        }

        return samples.Length;
    }

    private async Task<(long Seed, string Text, GenerationFinishReason? Finish)> SampleAsync(string gbnf, long seed)
    {
        var request = new GenerationRequest("Once upon a time")
        {
            Grammar = new GenerationGrammar(gbnf),
            MaxOutputTokens = MaxOutputTokens,
            Sampling = new SamplingParameters { Temperature = 1, Seed = seed },
        };
        var text = new StringBuilder();
        GenerationFinishReason? finish = null;
        await foreach (var update in _engine.GenerateAsync(request, Token))
        {
            text.Append(update.Text);
            finish = update.FinishReason ?? finish;
        }

        return (seed, text.ToString(), finish);
    }

    private static string Describe(EvaluationResults result) =>
        string.Join("\n", (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .Select(d => $"{d.InstanceLocation}: {string.Join("; ", d.Errors!.Values)}"));
}
