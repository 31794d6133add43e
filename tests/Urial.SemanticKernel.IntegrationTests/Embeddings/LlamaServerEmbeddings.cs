using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Urial.SemanticKernel.IntegrationTests.Embeddings;

/// <summary>
/// The real llama-server (<c>shared/bin</c>, another llama.cpp build) serving mean-pooled embeddings on loopback, stopped by
/// its process id. It binds a port of the system's choosing (<c>--port 0</c>) and is ready when its log says it listens
/// with the model loaded: nothing is polled, and no port is guessed.
/// </summary>
internal sealed partial class LlamaServerEmbeddings : IAsyncDisposable
{
    private readonly Process _process;
    private readonly HttpClient _http = new() { Timeout = HangGuard.Limit };
    private readonly TaskCompletionSource<Uri> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<string> _log = [];

    private LlamaServerEmbeddings(Process process) => _process = process;

    public static async Task<LlamaServerEmbeddings> StartAsync(CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(Path.Combine(TestModel.SharedDirectory, "bin", "llama-server"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-m", TestModel.Path, "--host", "127.0.0.1", "--port", "0",
            "-c", "512", "-b", "512", "-ub", "512", "-np", "1", "-t", "1", "--embedding", "--pooling", "mean", "--no-webui" })
        {
            start.ArgumentList.Add(argument);
        }

        var server = new LlamaServerEmbeddings(new Process { StartInfo = start, EnableRaisingEvents = true });
        server._process.OutputDataReceived += (_, e) => server.OnLine(e.Data);
        server._process.ErrorDataReceived += (_, e) => server.OnLine(e.Data);
        server._process.Exited += (_, _) => server._ready.TrySetException(new InvalidOperationException(
            $"llama-server exited with code {server._process.ExitCode} before it was ready:\n{server.Log}"));
        server._process.Start();
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        try
        {
            server._http.BaseAddress = await server._ready.Task.WaitAsync(cancellationToken).FailIfHung("llama-server to load the model and listen");
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    private string Log
    {
        get
        {
            lock (_log)
            {
                return string.Join('\n', _log);
            }
        }
    }

    /// <summary>Embeds the texts with <c>POST /v1/embeddings</c> (llama.cpp pools and L2-normalises them).</summary>
    public async Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        using var response = await _http.PostAsJsonAsync("/v1/embeddings", new { input = texts }, cancellationToken);
        response.EnsureSuccessStatusCode();
        using var body = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
        return [.. body.RootElement.GetProperty("data").EnumerateArray()
            .OrderBy(item => item.GetProperty("index").GetInt32())
            .Select(item => item.GetProperty("embedding").EnumerateArray().Select(value => value.GetSingle()).ToArray())];
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync(CancellationToken.None);
        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.Add(line);
        }

        // Written once the model is loaded (b4748: "main: server is listening on http://127.0.0.1:PORT - starting the main loop").
        if (ListeningLine().Match(line) is { Success: true } match)
        {
            _ready.TrySetResult(new Uri(match.Groups[1].Value));
        }
    }

    [GeneratedRegex(@"server is listening on (http://127\.0\.0\.1:[0-9]+)")]
    private static partial Regex ListeningLine();
}
