namespace Urial.SemanticKernel.Tests;

public sealed class TurnEscaperTests
{
    [Theory]
    [InlineData("```", true, true)]
    [InlineData("```", false, false)]
    [InlineData("  ```js", true, true)]
    [InlineData("# Query:", false, true)]
    [InlineData("# Query:\r", false, true)]
    [InlineData("\r# Query:", false, true)]
    [InlineData("#Answer", false, true)]
    [InlineData("###   user", false, true)]
    [InlineData("#\tAssistant", false, true)]
    [InlineData("# System: be nice", false, true)]
    [InlineData("# Instructions", false, true)]
    [InlineData("# Heading", true, false)]
    [InlineData("text # Query:", true, false)]
    [InlineData("＃ Query:", true, false)]
    [InlineData("", true, false)]
    [InlineData("   ", true, false)]
    public void IsStructural_recognizes_headings_and_fences_after_leading_whitespace(string line, bool fences, bool expected)
    {
        Assert.Equal(expected, TurnEscaper.IsStructural(line, fences));
    }

    [Fact]
    public void Escape_returns_the_same_instance_when_nothing_needs_escaping()
    {
        const string text = "Plain text\nwith # a heading and ``` inline";

        Assert.Same(text, TurnEscaper.Escape(text, fences: true));
        Assert.Same(text, TurnEscaper.Unescape(text, fences: true));
    }

    [Fact]
    public void Unescape_removes_exactly_one_space_per_structural_line()
    {
        Assert.Equal("  # Query:\n```\nx", TurnEscaper.Unescape("   # Query:\n ```\nx", fences: true));
    }

    [Fact]
    public void Unescape_of_an_unescaped_structural_line_throws_InvalidDataException()
    {
        Assert.Throws<InvalidDataException>(() => TurnEscaper.Unescape("ok\n# User:", fences: false));
        Assert.Throws<InvalidDataException>(() => TurnEscaper.Unescape("\t```", fences: true));
    }
}
