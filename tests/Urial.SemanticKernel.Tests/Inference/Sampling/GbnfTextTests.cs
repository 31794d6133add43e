using Xunit;

namespace Urial.SemanticKernel;

public sealed class GbnfTextTests
{
    [Theory]
    [InlineData("abc", "\"abc\"")]
    [InlineData("a\"b", "\"a\\\"b\"")]
    [InlineData("a\\b", "\"a\\\\b\"")]
    [InlineData("line\nnext\ttab\r", "\"line\\nnext\\ttab\\r\"")]
    [InlineData("\u0001\u007f", "\"\\x01\\x7F\"")]
    [InlineData("é✓", "\"é✓\"")]
    public void LiteralEscapes(string text, string expected) => Assert.Equal(expected, GbnfText.Literal(text));

    [Theory]
    [InlineData("a\"b\\c", "\"a\\\"b\\\\c\"")]
    [InlineData("\b\f\n\u0002", "\"\\b\\f\\n\\u0002\"")]
    [InlineData("é", "\"é\"")]
    public void JsonStringEncodes(string text, string expected) => Assert.Equal(expected, GbnfText.JsonString(text));

    [Theory]
    [InlineData("firstName", "first-name")]
    [InlineData("snake_case", "snake-case")]
    [InlineData("  Weird__Name!! ", "weird-name")]
    [InlineData("___", "p")]
    [InlineData("URL", "url")]
    public void RuleNames(string hint, string expected) => Assert.Equal(expected, GbnfText.RuleName(hint));

    [Fact]
    public void RepetitionsAvoidZeroCounts()
    {
        Assert.Equal(string.Empty, GbnfText.Repeated("x", 0, 0));
        Assert.Equal("x?", GbnfText.Repeated("x", 0, 1));
        Assert.Equal("x", GbnfText.Repeated("x", 1, 1));
        Assert.Equal("x{2,5}", GbnfText.Repeated("x", 2, 5));
        Assert.Equal("x{3}", GbnfText.Repeated("x", 3, 3));
    }
}
