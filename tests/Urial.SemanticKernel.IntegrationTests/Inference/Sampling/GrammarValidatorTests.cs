using Xunit;
using LLama.Native;

namespace Urial.SemanticKernel;

public sealed class GrammarValidatorTests(ModelFixture model)
{
    private SafeLlamaModelHandle Model => model.Weights.NativeHandle;

    [Fact]
    public void AcceptsAValidGrammar()
    {
        Assert.True(GrammarValidator.TryValidate(Model, "root ::= \"yes\" | \"no\"\n", "root", out var error), error);
        Assert.Null(error);
    }

    [Theory]
    [InlineData("root ::= foo\n", "foo")]
    [InlineData("root ::= my_rule\nmy_rule ::= \"x\"\n", "my_rule")]
    [InlineData("root ::= (\"a\" | \"b\"\n", "expecting ')'")]
    [InlineData("root ::= \"unterminated\n", null)]
    [InlineData("other ::= \"x\"\n", "root")]
    [InlineData("", null)]
    public void RejectsInvalidGrammarsWithoutCrashing(string gbnf, string? expectedInError)
    {
        Assert.False(GrammarValidator.TryValidate(Model, gbnf, "root", out var error));
        Assert.False(string.IsNullOrWhiteSpace(error));
        if (expectedInError is not null)
        {
            Assert.Contains(expectedInError, error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void CapturesTheNativeParseError()
    {
        Assert.False(GrammarValidator.TryValidate(Model, "root ::= (\"a\"\n", "root", out var error));
        Assert.Contains("failed to parse grammar", error, StringComparison.Ordinal);
        Assert.Contains("(", error, StringComparison.Ordinal);
    }

    [Fact]
    public void RejectsAMissingRootRule()
    {
        Assert.False(GrammarValidator.TryValidate(Model, "root ::= \"x\"\n", "start", out var error));
        Assert.NotNull(error);
    }

    [Fact]
    public void UsesTheLibraryLLamaSharpLoaded()
    {
        var ours = LlamaNativeExports.Library;
        Assert.NotEqual(0, ours);
        Assert.Equal(LlamaNativeExports.LLamaSharpLibraryHandle(), ours);
        if (OperatingSystem.IsLinux())
        {
            var mapped = File.ReadLines("/proc/self/maps")
                .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Where(p => p.Length >= 6 && p[^1].EndsWith("/libllama.so", StringComparison.Ordinal))
                .Select(p => p[^1])
                .Distinct()
                .ToList();
            Assert.Single(mapped);
        }
    }

    [Fact]
    public void RestoresTheLogCallback()
    {
        LlamaNativeExports.LogGet(out var before, out var beforeData);
        GrammarValidator.TryValidate(Model, "root ::= oops\n", "root", out _);
        LlamaNativeExports.LogGet(out var after, out var afterData);
        Assert.Equal(before, after);
        Assert.Equal(beforeData, afterData);
    }
}
