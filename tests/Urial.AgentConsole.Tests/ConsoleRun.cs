namespace Urial.AgentConsole.Tests;

/// <summary>Runs the console's entry point in-process with its own environment, capturing both output streams.</summary>
internal sealed record ConsoleRun(int ExitCode, string Stdout, string Stderr)
{
    public static async Task<ConsoleRun> StartAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        // Only the variables given: nothing from the machine running the tests (URIAL_MODEL, XDG_CACHE_HOME…) leaks in.
        var exitCode = await Program.RunAsync(args, stdout, stderr, TextReader.Null, name => environment.GetValueOrDefault(name), TestContext.Current.CancellationToken);
        return new ConsoleRun(exitCode, stdout.ToString(), stderr.ToString());
    }
}
