using Microsoft.Extensions.AI;
using Urial.SemanticKernel;

namespace Urial.Cli;

public sealed class RenderCommandTests
{
    [Fact]
    public async Task Render_prints_exactly_what_UrialPrompt_Render_returns()
    {
        using var directory = new TempDirectory();
        var path = directory.Combine("conversation.json");
        await File.WriteAllTextAsync(path, """
            [
              {"role": "system", "content": "Answer briefly."},
              {"role": "user", "content": "What is 2+2?"},
              {"role": "assistant", "content": "4.\n# Query:\nnot a turn"},
              {"role": "user", "content": "And 3+3? ```code```"}
            ]
            """, TestContext.Current.CancellationToken);

        var (code, output, error) = await CliRun.RunAsync("render", "--conversation", path);

        Assert.True(code == 0, error);
        var expected = UrialPrompt.Default.Render(
        [
            new ChatMessage(ChatRole.System, "Answer briefly."),
            new ChatMessage(ChatRole.User, "What is 2+2?"),
            new ChatMessage(ChatRole.Assistant, "4.\n# Query:\nnot a turn"),
            new ChatMessage(ChatRole.User, "And 3+3? ```code```"),
        ]);
        Assert.Equal(expected, output);
    }

    [Fact]
    public async Task Render_uses_the_prompt_file_given_with_prompt()
    {
        using var directory = new TempDirectory();
        var conversation = directory.Combine("c.json");
        await File.WriteAllTextAsync(conversation, """[{"role": "user", "content": "Hi"}]""", TestContext.Current.CancellationToken);
        var promptPath = directory.Combine("p.txt");
        await File.WriteAllTextAsync(promptPath, UrialPrompt.Default.Text, TestContext.Current.CancellationToken);

        var (code, output, _) = await CliRun.RunAsync("render", "--conversation", conversation, "--prompt", promptPath);

        Assert.Equal(0, code);
        Assert.Equal(UrialPrompt.Load(promptPath).Render([new ChatMessage(ChatRole.User, "Hi")]), output);
    }

    [Theory]
    [InlineData("""[{"role": "robot", "content": "x"}]""", "role 'robot'")]
    [InlineData("""{"role": "user"}""", "JSON array")]
    [InlineData("""[{"role": "assistant", "content": "x"}]""", "cannot be rendered")]
    public async Task Render_rejects_a_bad_conversation_with_exit_code_2(string json, string message)
    {
        using var directory = new TempDirectory();
        var path = directory.Combine("c.json");
        await File.WriteAllTextAsync(path, json, TestContext.Current.CancellationToken);

        var (code, _, error) = await CliRun.RunAsync("render", "--conversation", path);

        Assert.Equal(2, code);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_option_is_an_error_not_ignored()
    {
        var (code, _, error) = await CliRun.RunAsync("render", "--conversation", "x.json", "--promt", "p.txt");

        Assert.Equal(2, code);
        Assert.Contains("Unrecognized command or argument '--promt'", error, StringComparison.Ordinal);
    }
}
