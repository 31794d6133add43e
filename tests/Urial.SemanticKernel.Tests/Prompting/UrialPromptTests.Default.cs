namespace Urial.SemanticKernel.Tests;

public sealed partial class UrialPromptTests
{
    [Fact]
    public void The_default_prompt_is_a_fenced_prompt_of_about_a_thousand_tokens()
    {
        var prompt = UrialPrompt.Default;

        Assert.Equal("default", prompt.Name);
        Assert.Equal(UrialTurnFormat.Fenced, prompt.Format);
        Assert.InRange(prompt.Text.Length, 4000, 4800);
        Assert.Same(prompt, UrialPrompt.Default);
    }

    [Fact]
    public void The_default_prompt_has_a_preamble_and_three_example_conversations_laid_out_like_the_paper()
    {
        var text = UrialPrompt.Default.Text;
        var lines = text.Split('\n');

        Assert.StartsWith("# Instruction\n\n", text, StringComparison.Ordinal);
        Assert.EndsWith("\n```\n", text, StringComparison.Ordinal);
        Assert.False(text.EndsWith("\n\n```\n", StringComparison.Ordinal), "The last answer must end right before its closing fence.");
        Assert.DoesNotContain('\r', text);
        Assert.Equal(3, lines.Count(line => line == "# Query:"));
        Assert.Equal(3, lines.Count(line => line == "# Answer:"));
        Assert.Equal(5, CountOf(text, "\n```\n\n# "));
    }

    [Fact]
    public void The_default_prompt_has_a_code_block_whose_closing_fence_is_followed_by_more_answer_text()
    {
        var text = UrialPrompt.Default.Text;

        Assert.Contains("\n```python\n", text, StringComparison.Ordinal);
        var closing = text.IndexOf("\n```\n", text.IndexOf("\n```python\n", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.False(text.AsSpan(closing + 5).StartsWith("\n# "), "The code block's closing fence looks like the end of the turn.");
    }

    [Fact]
    public void The_default_prompt_shares_no_sentence_with_the_papers_prompts()
    {
        var defaultLines = UrialPrompt.Default.Text.Split('\n').Where(line => line.Length >= 25).ToHashSet(StringComparer.Ordinal);

        foreach (var fileName in new[] { "inst_1k_v4.help.txt", "inst_1k_v4.txt", "inst_help_v6-1k.txt" })
        {
            var paperLines = File.ReadAllText(SharedFiles.UrialPrompt(fileName)).Split('\n');
            Assert.DoesNotContain(paperLines, defaultLines.Contains);
        }
    }

    private static int CountOf(string text, string value)
    {
        var count = 0;
        for (var index = text.IndexOf(value, StringComparison.Ordinal); index >= 0; index = text.IndexOf(value, index + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
