using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Urial.Testing;

/// <summary>
/// The real llama.cpp server (<c>../shared/bin/llama-server</c>) on the real test model, on 127.0.0.1 on a port of the
/// system's choosing (<c>--port 0</c>), ready when its log says it listens with the model loaded (nothing is polled, no
/// port is guessed), and stopped by its process id. Its output is kept for diagnostics.
/// </summary>
public sealed partial class LlamaServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private LlamaServer(Process process) => _process = process;

    /// <summary>Gets the server's base address.</summary>
    public Uri Address { get; private set; } = null!;

    public int Port => Address.Port;

    public int ProcessId => _process.Id;

    /// <summary>Gets a value indicating whether the process has exited (it aborts on some bad requests).</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Gets what the server printed so far.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    public static string ExecutablePath => Path.Combine(TestModel.SharedDirectory, "bin", "llama-server");

    /// <summary>Starts a server and waits until it listens with its model loaded.</summary>
    /// <param name="contextPerSlot">Tokens per slot (the URIAL prefix takes about 3.4k with this model's 512-token vocabulary).</param>
    /// <param name="slots">Parallel slots (<c>-np</c>).</param>
    /// <param name="modelPath">The GGUF model; <see langword="null"/> uses <see cref="TestModel.Path"/>.</param>
    /// <param name="threads">Decode threads (<c>-t</c>).</param>
    /// <param name="arguments">More command-line arguments (e.g. <c>--embedding</c>), or <see langword="null"/>.</param>
    /// <param name="cancellationToken">The token to stop waiting.</param>
    public static async Task<LlamaServer> StartAsync(int contextPerSlot = 8192, int slots = 2, string? modelPath = null, int threads = 1, IEnumerable<string>? arguments = null, CancellationToken cancellationToken = default)
    {
        var info = new ProcessStartInfo(ExecutablePath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "-m", modelPath ?? TestModel.Path, "--host", "127.0.0.1", "--port", "0",
            "-c", (contextPerSlot * slots).ToString(CultureInfo.InvariantCulture), "-np", slots.ToString(CultureInfo.InvariantCulture),
            // Every kept-alive connection holds one of llama-server's HTTP threads while idle (n_parallel + 2 by default):
            // several clients with pooled connections would otherwise queue behind them until the keep-alive runs out.
            "-t", threads.ToString(CultureInfo.InvariantCulture), "--threads-http", "32", "--no-webui", "--slots",
        }.Concat(arguments ?? []))
        {
            info.ArgumentList.Add(argument);
        }

        var server = new LlamaServer(new Process { StartInfo = info, EnableRaisingEvents = true });
        server._process.OutputDataReceived += (_, e) => server.OnLine(e.Data);
        server._process.ErrorDataReceived += (_, e) => server.OnLine(e.Data);
        server._process.Exited += (_, _) => server._listening.TrySetException(new InvalidOperationException(
            $"llama-server exited with code {server._process.ExitCode} before it was ready:\n{server.Log}"));
        server._process.Start();
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        try
        {
            server.Address = await server._listening.Task.WaitAsync(cancellationToken).FailIfHung("llama-server to load the model and listen");
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Reads <c>/slots</c>: whether each slot is processing, and whether an interrupted generation left <c>has_next_token</c> set.</summary>
    public async Task<IReadOnlyList<(bool Processing, bool HasNextToken, int Decoded)>> SlotsAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient();
        using var document = JsonDocument.Parse(await http.GetStringAsync(new Uri(Address, "slots"), cancellationToken));
        return [.. document.RootElement.EnumerateArray().Select(slot => (
            slot.GetProperty("is_processing").GetBoolean(),
            slot.GetProperty("next_token").GetProperty("has_next_token").GetBoolean(),
            slot.GetProperty("next_token").GetProperty("n_decoded").GetInt32()))];
    }

    /// <summary>Waits until the process exits by itself.</summary>
    public Task WaitForExitAsync(CancellationToken cancellationToken) => _process.WaitForExitAsync(cancellationToken);

    /// <summary>Kills the server by its process id and waits for it to exit.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
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
            if (_log.Length < 1_000_000)
            {
                _log.AppendLine(line);
            }
        }

        // Written once the model is loaded (b4748: "main: server is listening on http://127.0.0.1:PORT - starting the main loop").
        if (ListeningLine().Match(line) is { Success: true } match)
        {
            _listening.TrySetResult(new Uri(match.Groups[1].Value + "/"));
        }
    }

    [GeneratedRegex(@"server is listening on (http://127\.0\.0\.1:[0-9]+)")]
    private static partial Regex ListeningLine();
}
