namespace Urial.SemanticKernel.Tests;

public sealed partial class UrialPromptTests
{
    [Fact]
    public void Fenced_stop_sequences_cover_every_heading_with_and_without_the_closing_fence()
    {
        var stops = s_fenced.StopSequences;

        foreach (var heading in new[] { "# Query", "# Answer", "# System" })
        {
            Assert.Contains("\n```\n\n" + heading, stops);
            Assert.Contains("\n```\n" + heading, stops);
            Assert.Contains("```\n\n" + heading, stops);
            Assert.Contains("\n\n" + heading, stops);
            Assert.Contains(heading, stops);
        }

        Assert.DoesNotContain(stops, stop => stop.Contains("# User", StringComparison.Ordinal));
    }

    [Fact]
    public void Headings_stop_sequences_cover_every_heading_with_the_blank_lines_before_it()
    {
        var stops = s_headings.StopSequences;

        foreach (var heading in new[] { "# User", "# Assistant", "# System" })
        {
            Assert.Contains("\n\n\n" + heading, stops);
            Assert.Contains("\n\n" + heading, stops);
            Assert.Contains("\n" + heading, stops);
            Assert.Contains(heading, stops);
        }

        Assert.DoesNotContain(stops, stop => stop.Contains("```", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("\n```\n\n# Query:\n```\nAnd now?\n```\n")]
    [InlineData("\n```\n# Query:\n```\n")]
    [InlineData("```\n\n# Answer:\n```\n")]
    [InlineData("\n\n# Query:")]
    [InlineData("\n# System:")]
    public void Cutting_a_fenced_continuation_at_the_earliest_stop_leaves_only_the_answer(string nextTurn)
    {
        const string answer = "Hello! Here it is:\n\n```python\nprint(1)\n```\n\nAnything else?";

        Assert.Equal(answer, CutAtEarliestStop(answer + nextTurn, s_fenced.StopSequences));
    }

    [Theory]
    [InlineData("\n\n\n# User:\nAnd now?\n")]
    [InlineData("\n\n# Assistant:\n")]
    [InlineData("\n# System:")]
    [InlineData("# User:")]
    public void Cutting_a_headings_continuation_at_the_earliest_stop_leaves_only_the_answer(string nextTurn)
    {
        const string answer = "Hello! Here it is:\n\n```python\nprint(1)\n```\n\nAnything else?";

        Assert.Equal(answer, CutAtEarliestStop(answer + nextTurn, s_headings.StopSequences));
    }

    [Fact]
    public void The_default_prompt_uses_the_fenced_stop_sequences()
    {
        Assert.Equal(s_fenced.StopSequences, UrialPrompt.Default.StopSequences);
    }

    // What the streaming stop matcher does: cut at the earliest match of any stop sequence, never emit it.
    private static string CutAtEarliestStop(string text, IReadOnlyList<string> stops)
    {
        var cut = stops.Select(stop => text.IndexOf(stop, StringComparison.Ordinal)).Where(index => index >= 0).DefaultIfEmpty(text.Length).Min();
        return text[..cut];
    }
}
