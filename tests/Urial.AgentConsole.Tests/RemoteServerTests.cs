namespace Urial.AgentConsole.Tests;

/// <summary>The console against the real llama-server (<c>--server</c>) instead of a local model.</summary>
public sealed class RemoteServerTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Ask_through_a_server_prints_an_answer_and_exits_0()
    {
        await using var server = await LlamaServer.StartAsync(slots: 1, cancellationToken: TestContext.Current.CancellationToken);

        var run = await ConsoleRun.StartAsync(new Dictionary<string, string> { ["URIAL_NOTES_FILE"] = _temp.File("notes.json") }, "--server", server.Address.ToString(), "--ask", "Tell me a story about a cat.", "--max-tokens", "16");

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.False(string.IsNullOrWhiteSpace(run.Stdout));
    }

    [Fact]
    public async Task A_server_that_does_not_answer_exits_1_naming_it()
    {
        var run = await ConsoleRun.StartAsync(new Dictionary<string, string> { ["URIAL_NOTES_FILE"] = _temp.File("notes.json") }, "--server", "http://127.0.0.1:9/", "--ask", "Hello?");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("127.0.0.1:9", run.Stderr, StringComparison.Ordinal);
    }
}
