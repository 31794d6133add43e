using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Urial.Testing;

/// <summary>
/// The real llama.cpp server (<c>../shared/bin/llama-server</c>) on the real test model, started on 127.0.0.1 on a free port and
/// stopped by its process id. Its output is kept for diagnostics.
/// </summary>
public sealed class LlamaServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private LlamaServer(Process process, int port)
    {
        _process = process;
        Port = port;
        Address = new Uri($"http://127.0.0.1:{port}/");
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Gets the server's base address.</summary>
    public Uri Address { get; }

    public int Port { get; }

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

    /// <summary>Starts a server and waits until <c>/health</c> answers 200.</summary>
    /// <param name="contextPerSlot">Tokens per slot (the URIAL prefix takes about 3.4k with this model's 512-token vocabulary).</param>
    /// <param name="slots">Parallel slots (<c>-np</c>).</param>
    /// <param name="modelPath">The GGUF model; <see langword="null"/> uses <see cref="TestModel.Path"/>.</param>
    /// <param name="threads">Decode threads (<c>-t</c>).</param>
    /// <param name="cancellationToken">The token to stop waiting.</param>
    public static async Task<LlamaServer> StartAsync(int contextPerSlot = 8192, int slots = 2, string? modelPath = null, int threads = 1, CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort();
            var info = new ProcessStartInfo(ExecutablePath)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[]
            {
                "-m", modelPath ?? TestModel.Path, "--host", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "-c", (contextPerSlot * slots).ToString(System.Globalization.CultureInfo.InvariantCulture), "-np", slots.ToString(System.Globalization.CultureInfo.InvariantCulture),
                // Every kept-alive connection holds one of llama-server's HTTP threads while idle (n_parallel + 2 by default):
                // several clients with pooled connections would otherwise queue behind them until the keep-alive runs out.
                "-t", threads.ToString(System.Globalization.CultureInfo.InvariantCulture), "--threads-http", "32", "--no-webui", "--slots",
            })
            {
                info.ArgumentList.Add(argument);
            }

            var server = new LlamaServer(Process.Start(info) ?? throw new InvalidOperationException("llama-server did not start."), port);
            if (await server.WaitHealthyAsync(cancellationToken))
            {
                return server;
            }

            var log = server.Log;
            await server.DisposeAsync();
            if (attempt == 3)
            {
                throw new InvalidOperationException($"llama-server did not become healthy on port {port}:\n{log}");
            }
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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Append(string? line)
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
    }

    /// <summary>Polls <c>/health</c> until it answers 200, the process exits (port taken, bad arguments), or a generous deadline passes.</summary>
    private async Task<bool> WaitHealthyAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (!_process.HasExited && deadline.Elapsed < TimeSpan.FromMinutes(2))
        {
            try
            {
                using var response = await http.GetAsync(new Uri(Address, "health"), cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return true;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // a slow answer while loading
            }

            await Task.Delay(20, cancellationToken);
        }

        return false;
    }
}
