using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using Json.Schema;
using Xunit;

namespace Urial.SemanticKernel;

/// <summary>
/// The reverse direction of <see cref="SchemaSamplingPropertyTests"/>: the grammar is never tighter than the schema
/// plus its documented limits. For generated schemas (<see cref="SchemaGen"/>), random instances within the limits
/// (<see cref="InstanceGen"/>) that JsonSchema.Net accepts must be accepted by llama.cpp's grammar sampler reading the
/// converted grammar (<see cref="NativeGrammarAcceptor"/>).
/// </summary>
public sealed class SchemaInstancePropertyTests(ModelFixture model)
{
    private const string Seed = "0000000000001";
    private const int InstancesPerSchema = 6;

    // 300 schemas by default; URIAL_SCHEMA_INSTANCES raises it for a longer run.
    private static readonly int Schemas = int.Parse(Environment.GetEnvironmentVariable("URIAL_SCHEMA_INSTANCES") ?? "300", CultureInfo.InvariantCulture);

    private static readonly JsonGrammarLimits Limits = JsonGrammarLimits.Default with { MaxStringLength = 8, MaxArrayItems = 3, MaxObjectProperties = 3, MaxIntegerDigits = 8, MaxFractionDigits = 4 };

    private readonly NativeGrammarAcceptor _acceptor = new(model.Weights);

    [Fact]
    public void Valid_instances_within_the_limits_are_accepted_by_the_grammar()
    {
        var checkedInstances = 0;
        var index = 0;
        Gen.Select(SchemaGen.Root, Gen.Int).Sample(
            pair =>
            {
                var (schema, instanceSeed) = pair;
                checkedInstances += Check(schema, new Random(instanceSeed + index++));
            },
            seed: Seed,
            iter: Schemas,
            threads: 1,
            print: pair => pair.Item1.ToJsonString());
        TestContext.Current.TestOutputHelper?.WriteLine($"seed {Seed}: {Schemas} schemas, {checkedInstances} valid instances accepted");
        Assert.True(checkedInstances > Schemas, $"only {checkedInstances} valid instances were generated: the generator is too weak to test anything");
    }

    private int Check(JsonNode schemaNode, Random random)
    {
        var schemaText = schemaNode.ToJsonString();
        string gbnf;
        try
        {
            gbnf = JsonSchemaGrammar.FromSchema(JsonDocument.Parse(schemaText).RootElement, Limits);
        }
        catch (ArgumentException)
        {
            return 0; // the schema admits no value within the limits (e.g. a required recursion beyond MaxDepth)
        }

        var validator = JsonSchema.FromText(schemaText, new BuildOptions { SchemaRegistry = new SchemaRegistry() });
        var options = new EvaluationOptions { RequireFormatValidation = true };
        var accepted = 0;
        for (var i = 0; i < InstancesPerSchema; i++)
        {
            var instance = new InstanceGen(schemaNode, Limits, random).Generate();
            var text = InstanceGen.Write(instance);
            using var document = JsonDocument.Parse(text);
            if (!validator.Evaluate(document.RootElement, options).IsValid)
            {
                continue; // not an instance of the schema: nothing to check
            }

            Assert.True(_acceptor.Accepts(gbnf, text, out var failure), $"valid instance refused: {text}\n{failure}\nschema: {schemaText}\ngrammar:\n{gbnf}");
            accepted++;
        }

        return accepted;
    }
}
