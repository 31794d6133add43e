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

    [Theory]
    [InlineData("<tool_call>", false, true)]
    [InlineData("</tool_call>", false, true)]
    [InlineData("  <TOOL_CALL>", true, true)]
    [InlineData("\t</tool_call", false, true)]
    [InlineData("<tool_call>{\"name\":\"x\"}</tool_call>", false, true)]
    [InlineData("# Tool result:", false, true)]
    [InlineData("# Tools:", true, true)]
    [InlineData("##tool", false, true)]
    [InlineData("text <tool_call>", false, false)]
    [InlineData("<tool>", false, false)]
    [InlineData("{\"id\":\"call-1\"}", true, false)]
    public void IsStructural_recognizes_call_markers_and_tool_headings(string line, bool fences, bool expected)
    {
        Assert.Equal(expected, TurnEscaper.IsStructural(line, fences));
    }

    [Fact]
    public void Escaping_call_markers_and_tool_headings_round_trips()
    {
        const string text = "<tool_call>\n{\"name\":\"x\"}\n </tool_call>\n# Tool result:\nok";

        var escaped = TurnEscaper.Escape(text, fences: false);

        Assert.Equal(" <tool_call>\n{\"name\":\"x\"}\n  </tool_call>\n # Tool result:\nok", escaped);
        Assert.Equal(text, TurnEscaper.Unescape(escaped, fences: false));
    }
}
