using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Json.Schema;
using LLama;
using LLama.Batched;
using LLama.Common;
using LLama.Native;
using Xunit;

namespace Urial.SemanticKernel;

/// <summary>Samples from converted grammars on the real model and checks the output against the schema.</summary>
public sealed class GrammarSamplingTests(ModelFixture model)
{
    private const int MaxTokens = 1200;
    private static readonly uint[] Seeds = [1, 2, 3];

    // Tight limits keep the toy model's outputs (and the test) short.
    private static readonly JsonGrammarLimits Limits = new(MaxStringLength: 12, MaxArrayItems: 3, MaxObjectProperties: 3, MaxDepth: 3);

    public static TheoryData<string> SampledSchemas() =>
    [
        "tool-call", "mixed-required", "optional-only", "integer-range", "integer-wide", "enum-mixed", "formats", "formats-more",
        "array-bounds", "any-of", "one-of-objects", "defs-ref", "definitions-recursive", "map", "free-object",
        "odd-names", "person", "tree", "function-weather", "function-search",
    ];

    [Theory]
    [MemberData(nameof(SampledSchemas))]
    public async Task SampledOutputIsValidJsonForTheSchema(string name)
    {
        var schemaText = SchemaCorpus.All.Single(s => s.Name == name).Schema;
        var gbnf = JsonSchemaGrammar.FromSchema(SchemaCorpus.Parse(schemaText), Limits);
        Assert.True(GrammarValidator.TryValidate(model.Weights.NativeHandle, gbnf, "root", out var error), error);
        var validator = JsonSchema.FromText(schemaText);

        foreach (var seed in Seeds)
        {
            var text = await SampleAsync(gbnf, seed);
            using var document = ParseOrFail(text, name, seed, gbnf);
            var options = new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true };
            var result = validator.Evaluate(document.RootElement, options);
            Assert.True(result.IsValid, $"{name} seed {seed}: {text}\n{Describe(result)}\n{gbnf}");
        }
    }

    [Fact]
    public async Task AnyObjectGrammarProducesAJsonObject()
    {
        var gbnf = JsonSchemaGrammar.ForAnyJsonObject(Limits);
        foreach (var seed in Seeds)
        {
            var text = await SampleAsync(gbnf, seed);
            using var document = ParseOrFail(text, "any-object", seed, gbnf);
            Assert.Equal(JsonValueKind.Object, document.RootElement.ValueKind);
        }
    }

    private async Task<string> SampleAsync(string gbnf, uint seed)
    {
        var weights = model.Weights;
        using var executor = new BatchedExecutor(weights, new ModelParams(model.Parameters.ModelPath) { GpuLayerCount = 0, ContextSize = 2048, BatchSize = 64 });
        using var conversation = executor.Create();
        conversation.Prompt(weights.Tokenize("Once upon a time", true, false, Encoding.UTF8));

        using var chain = SafeLLamaSamplerChainHandle.Create(LLamaSamplerChainParams.Default());
        chain.AddGrammar(weights.NativeHandle, gbnf, "root"); // validated above: an invalid grammar would crash here
        chain.AddTemperature(1.2f);
        chain.AddDistributionSampler(seed);

        var decoder = new StreamingTokenDecoder(Encoding.UTF8, weights);
        var output = new StringBuilder();
        for (var i = 0; i < MaxTokens; i++)
        {
            Assert.Equal(DecodeResult.Ok, await executor.Infer(TestContext.Current.CancellationToken));
            var token = chain.Sample(executor.Context.NativeHandle, conversation.GetSampleIndex());
            if (token.IsEndOfGeneration(weights.Vocab))
            {
                return output.ToString();
            }

            decoder.Add(token);
            output.Append(decoder.Read());
            conversation.Prompt(token);
        }

        Assert.Fail($"seed {seed}: the grammar did not complete within {MaxTokens} tokens: {output}");
        return string.Empty;
    }

    private static JsonDocument ParseOrFail(string text, string name, uint seed, string gbnf)
    {
        try
        {
            return JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            Assert.Fail($"{name} seed {seed}: not JSON ({e.Message}): {text}\n{gbnf}");
            throw new UnreachableException();
        }
    }

    private static string Describe(EvaluationResults result) =>
        string.Join("\n", (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .Select(d => $"{d.InstanceLocation}: {string.Join("; ", d.Errors!.Values)}"));
}
