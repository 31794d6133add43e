using System.Text;
using System.Text.Json;

// Every test drives native llama.cpp objects; one at a time.
[assembly: Xunit.v3.Parallelization(Mode = Xunit.Sdk.ParallelMode.None)]

namespace Urial.Cli;

/// <summary>Runs <c>urial</c> in-process and captures what it wrote.</summary>
internal static class CliRun
{
    public static string DataPath => Path.Combine(TestModel.SharedDirectory, "data", "just-eval", "example_data.json");

    public static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args) =>
        await RunAsync(args, error: null, TestContext.Current.CancellationToken);

    public static async Task<(int Code, string Output, string Error)> RunAsync(string[] args, TextWriter? error, CancellationToken cancellationToken)
    {
        using var output = new StringWriter();
        var errorWriter = error ?? new StringWriter();
        var code = await UrialCli.RunAsync(args, output, errorWriter, cancellationToken);
        return (code, output.ToString(), errorWriter.ToString() ?? string.Empty);
    }

    public static JsonElement ReadJson(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        return document.RootElement.Clone();
    }

    public static string[] Lines(string directory, string pattern) =>
        Directory.GetFiles(directory, pattern).SelectMany(File.ReadAllLines).Where(line => line.Length > 0).ToArray();
}

/// <summary>A folder deleted after the test.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "urial-cli-tests", Guid.NewGuid().ToString("N"));

    public string Combine(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>A writer that cancels a run when a line containing a marker is written (Ctrl+C at a known point).</summary>
internal sealed class CancelOnLineWriter(CancellationTokenSource cancellation, string marker) : StringWriter
{
    public override void WriteLine(string? value)
    {
        base.WriteLine(value);
        if (value is not null && value.Contains(marker, StringComparison.Ordinal))
        {
            cancellation.Cancel();
        }
    }

    public override Encoding Encoding => Encoding.UTF8;
}
