namespace Urial.Cli;

/// <summary>The command line as System.CommandLine parses it: help per command, typed validation, response files, completion.</summary>
public sealed class CommandLineTests
{
    [Theory]
    [InlineData("shift", "--max-answer-tokens", "--aligned-prompting <chat-template|same>")]
    [InlineData("eval", "--judge <url|judge.gguf> (REQUIRED)", "--rationale-chars")]
    [InlineData("chat", "--model <model.gguf> (REQUIRED)", "--gpu-layers")]
    [InlineData("render", "--conversation <file.json> (REQUIRED)", "--prompt <file>")]
    public async Task Every_command_prints_its_own_help_and_succeeds(string command, string first, string second)
    {
        var (code, output, error) = await CliRun.RunAsync(command, "--help");

        Assert.True(code == 0, error);
        Assert.Contains($" {command} [options]", output, StringComparison.Ordinal);
        Assert.Contains(first, output, StringComparison.Ordinal);
        Assert.Contains(second, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_root_help_lists_the_four_commands()
    {
        var (code, output, _) = await CliRun.RunAsync("--help");

        Assert.Equal(0, code);
        foreach (var command in new[] { "chat", "render", "shift", "eval" })
        {
            Assert.Contains($"  {command} ", output, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("--limit", "0", "Option '--limit' must be an integer of at least 1, not '0'.")]
    [InlineData("--limit", "many", "Cannot parse argument 'many' for option '--limit'")]
    [InlineData("--aligned-prompting", "chat", "Argument 'chat' not recognized. Must be one of:")]
    public async Task A_bad_value_is_a_usage_error_that_names_the_option(string option, string value, string message)
    {
        var (code, _, error) = await CliRun.RunAsync("shift", "--base", "b.gguf", "--aligned", "a.gguf", "--data", "d.json", "--without-urial", option, value);

        Assert.Equal(2, code);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.Contains("Run 'urial shift --help' for its options.", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_required_option_is_a_usage_error()
    {
        var (code, _, error) = await CliRun.RunAsync("render");

        Assert.Equal(2, code);
        Assert.Contains("Option '--conversation' is required.", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Options_can_come_from_a_response_file()
    {
        using var directory = new TempDirectory();
        var conversation = directory.Combine("c.json");
        await File.WriteAllTextAsync(conversation, """[{"role": "user", "content": "Hi"}]""", TestContext.Current.CancellationToken);
        var responseFile = directory.Combine("render.rsp");
        await File.WriteAllTextAsync(responseFile, $"--conversation\n{conversation}\n", TestContext.Current.CancellationToken);

        var fromFile = await CliRun.RunAsync("render", "@" + responseFile);
        var direct = await CliRun.RunAsync("render", "--conversation", conversation);

        Assert.True(fromFile.Code == 0, fromFile.Error);
        Assert.Equal(direct.Output, fromFile.Output);
        Assert.Contains("# Query:", fromFile.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_suggest_directive_completes_commands_and_options_for_tab_completion()
    {
        var commands = await CliRun.RunAsync("[suggest:2]", "sh");
        var options = await CliRun.RunAsync("[suggest:10]", "shift --ba");

        Assert.Equal(["shift"], Lines(commands.Output));
        Assert.Equal(["--base", "--batch"], Lines(options.Output));
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
