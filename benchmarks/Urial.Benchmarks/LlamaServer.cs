using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Urial.Benchmarks;

/// <summary>
/// The peer: <c>shared/bin/llama-server</c> on loopback (a free port, stopped by its process id), driven over its
/// native <c>/completion</c> endpoint with greedy decoding and a minimal sampler chain (temperature 0 only), so that
/// both sides do the same work per token.
/// </summary>
internal sealed class LlamaServer : IDisposable
{
    private readonly Process _process;
    private readonly HttpClient _http;

    private LlamaServer(Process process, HttpClient http, int slots)
    {
        _process = process;
        _http = http;
        Slots = slots;
    }

    public int Slots { get; }

    /// <summary>Gets the server's <c>build_info</c> (e.g. <c>b4748-c392e509</c>).</summary>
    public string BuildInfo { get; private set; } = "?";

    /// <summary>Starts the server and waits until it reports healthy (it loads the model first).</summary>
    /// <param name="contextPerSlot">Each slot's context: the server divides <c>-c</c> among <c>-np</c> slots.</param>
    public static async Task<LlamaServer> StartAsync(string modelPath, int slots, int threads, int batchThreads, int contextPerSlot, int batchSize)
    {
        var binary = SharedFiles.Find(Path.Combine("bin", "llama-server"))
            ?? throw new FileNotFoundException("shared/bin/llama-server not found: put shared/ beside the checkout.");
        var port = FreePort();
        var start = new ProcessStartInfo(binary)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[]
        {
            "-m", modelPath, "--host", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-c", (contextPerSlot * slots).ToString(System.Globalization.CultureInfo.InvariantCulture), "-np", slots.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-t", threads.ToString(System.Globalization.CultureInfo.InvariantCulture), "-tb", batchThreads.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-b", batchSize.ToString(System.Globalization.CultureInfo.InvariantCulture), "-ub", batchSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--no-webui",
        })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("llama-server could not be started.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new LlamaServer(process, new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromMinutes(10) }, slots);
        try
        {
            await server.WaitHealthyAsync();
            var props = await server._http.GetFromJsonAsync<JsonObject>("props");
            server.BuildInfo = props?["build_info"]?.GetValue<string>() ?? "?";
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>One completion; <paramref name="seconds"/> is the client-side round trip.</summary>
    public async Task<Completion> CompleteAsync(string prompt, int maxTokens, bool cachePrompt = true, int? slot = null)
    {
        var body = new JsonObject
        {
            ["prompt"] = prompt,
            ["n_predict"] = maxTokens,
            ["temperature"] = 0,
            ["samplers"] = new JsonArray("temperature"),
            ["repeat_penalty"] = 1.0,
            ["ignore_eos"] = true,
            ["cache_prompt"] = cachePrompt,
        };
        if (slot is { } id)
        {
            body["id_slot"] = id;
        }

        var started = Stopwatch.GetTimestamp();
        using var response = await _http.PostAsJsonAsync("completion", body);
        var text = await response.Content.ReadAsStringAsync();
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"llama-server answered {(int)response.StatusCode}: {text}");
        }

        using var json = JsonDocument.Parse(text);
        var root = json.RootElement;
        var timings = root.GetProperty("timings");
        return new Completion(
            root.GetProperty("tokens_predicted").GetInt32(),
            timings.GetProperty("prompt_n").GetInt32(),
            timings.GetProperty("prompt_ms").GetDouble(),
            root.TryGetProperty("truncated", out var truncated) && truncated.GetBoolean(),
            seconds);
    }

    public void Dispose()
    {
        _http.Dispose();
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit();
            }
        }
        finally
        {
            _process.Dispose();
        }
    }

    private async Task WaitHealthyAsync()
    {
        var deadline = Stopwatch.GetTimestamp() + (Stopwatch.Frequency * 600);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"llama-server exited with code {_process.ExitCode} while loading.");
            }

            try
            {
                using var response = await _http.GetAsync("health");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException("llama-server did not become healthy within 10 minutes.");
            }

            await Task.Delay(100);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>What the server reports for one completion, and the client-side round trip.</summary>
    /// <param name="PredictedTokens">Tokens generated.</param>
    /// <param name="PromptEvaluated">Prompt tokens the server evaluated (the rest came from its slot's cache).</param>
    /// <param name="PromptMilliseconds">The server's own prompt-evaluation time.</param>
    /// <param name="Truncated">Whether the server silently cut the prompt to fit its slot.</param>
    /// <param name="Seconds">The round trip as the client saw it.</param>
    internal readonly record struct Completion(int PredictedTokens, int PromptEvaluated, double PromptMilliseconds, bool Truncated, double Seconds);
}
