using Xunit;
namespace Urial.SemanticKernel;

public sealed class JsonSchemaGrammarNativeTests(ModelFixture model)
{
    public static TheoryData<string> SchemaNames() => [.. SchemaCorpus.All.Select(s => s.Name)];

    [Theory]
    [MemberData(nameof(SchemaNames))]
    public void EveryCorpusGrammarPassesTheNativeParser(string name)
    {
        var schema = SchemaCorpus.All.Single(s => s.Name == name).Schema;
        var gbnf = JsonSchemaGrammar.FromSchema(SchemaCorpus.Parse(schema), JsonGrammarLimits.Default);
        Assert.True(GrammarValidator.TryValidate(model.Weights.NativeHandle, gbnf, "root", out var error), $"{error}\n{gbnf}");
    }

    [Fact]
    public void TheAnyObjectGrammarPassesTheNativeParser()
    {
        var gbnf = JsonSchemaGrammar.ForAnyJsonObject(JsonGrammarLimits.Default);
        Assert.True(GrammarValidator.TryValidate(model.Weights.NativeHandle, gbnf, "root", out var error), $"{error}\n{gbnf}");
    }
}
