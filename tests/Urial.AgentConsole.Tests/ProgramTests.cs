namespace Urial.AgentConsole.Tests;

/// <summary>The console end to end on the real model (stories260K), through <see cref="Program.RunAsync(string[], TextWriter, TextWriter, TextReader, Func{string, string?}, CancellationToken)"/>.</summary>
public sealed class ProgramTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private Dictionary<string, string> Environment() => new() { ["URIAL_NOTES_FILE"] = _temp.File("notes.json") };

    [Fact]
    public async Task Ask_prints_a_non_empty_answer_alone_on_stdout_and_exits_0()
    {
        var run = await ConsoleRun.StartAsync(Environment(), "--model", TestModel.Path, "--ask", "Tell me a story about a cat.", "--max-tokens", "24");

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.False(string.IsNullOrWhiteSpace(run.Stdout));
        Assert.DoesNotContain("Loading", run.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("error", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Agent_ask_prints_a_non_empty_answer_and_exits_0()
    {
        var run = await ConsoleRun.StartAsync(Environment(), "--agent", "--model", TestModel.Path, "--ask", "Tell me a story about a dog.", "--max-tokens", "24");

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.False(string.IsNullOrWhiteSpace(run.Stdout));
    }

    [Fact]
    public async Task The_model_is_found_through_URIAL_MODEL()
    {
        var environment = Environment();
        environment["URIAL_MODEL"] = TestModel.Path;
        environment["URIAL_NO_DISCOVERY"] = "1";

        var run = await ConsoleRun.StartAsync(environment, "--ask", "Hello!", "--max-tokens", "8");

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.False(string.IsNullOrWhiteSpace(run.Stdout));
    }

    [Fact]
    public async Task A_missing_model_file_exits_1_naming_the_file()
    {
        var missing = _temp.File("no-such-model.gguf");

        var run = await ConsoleRun.StartAsync(Environment(), "--model", missing, "--ask", "Hello?");

        Assert.Equal(1, run.ExitCode);
        Assert.Empty(run.Stdout);
        Assert.Contains(missing, run.Stderr, StringComparison.Ordinal);
        Assert.Contains("not found", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failed_download_exits_1_fast_and_says_to_pass_model_or_set_URIAL_MODEL()
    {
        var environment = Environment();
        environment["URIAL_NO_DISCOVERY"] = "1";
        environment["URIAL_CACHE_DIR"] = _temp.File("cache");

        // Port 9 (discard) on loopback refuses the connection at once; no test traffic leaves the machine.
        environment["URIAL_MODEL_URL"] = "http://127.0.0.1:9/stories260K.gguf";

        var run = await ConsoleRun.StartAsync(environment, "--ask", "Hello?");

        Assert.Equal(1, run.ExitCode);
        Assert.Empty(run.Stdout);
        Assert.Contains("Could not download the model from http://127.0.0.1:9/stories260K.gguf", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("--model", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("URIAL_MODEL", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("no answer within", run.Stderr, StringComparison.Ordinal); // fast: the refusal ended it, not the download timeout
        Assert.Empty(Directory.Exists(_temp.File("cache")) ? Directory.GetFiles(_temp.File("cache")) : []);
    }

    [Fact]
    public async Task A_file_that_is_not_gguf_exits_1_with_the_library_message_not_a_crash()
    {
        var notAModel = _temp.File("page.gguf");
        await File.WriteAllTextAsync(notAModel, "<html>not a model</html>", TestContext.Current.CancellationToken);

        var run = await ConsoleRun.StartAsync(Environment(), "--model", notAModel, "--ask", "Hello?");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("not a GGUF file", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_prompt_file_without_turns_exits_1_saying_what_it_needs()
    {
        var prompt = _temp.File("prompt.txt");
        await File.WriteAllTextAsync(prompt, "Just a preamble.", TestContext.Current.CancellationToken);

        var run = await ConsoleRun.StartAsync(Environment(), "--model", TestModel.Path, "--prompt", prompt, "--ask", "Hello?");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("# Query:", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_option_exits_1_with_the_usage()
    {
        var run = await ConsoleRun.StartAsync(Environment(), "--frobnicate");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Unknown option '--frobnicate'", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("Usage:", run.Stderr, StringComparison.Ordinal);
    }
}
