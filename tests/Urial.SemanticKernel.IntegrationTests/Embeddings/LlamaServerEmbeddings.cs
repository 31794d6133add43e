using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;

namespace Urial.SemanticKernel.IntegrationTests.Embeddings;

/// <summary>The real llama-server (<c>shared/bin</c>, another llama.cpp build) serving mean-pooled embeddings on loopback, stopped by its process id.</summary>
internal sealed class LlamaServerEmbeddings : IAsyncDisposable
{
    private readonly Process _process;
    private readonly HttpClient _http;

    private LlamaServerEmbeddings(Process process, int port)
    {
        _process = process;
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
    }

    public static async Task<LlamaServerEmbeddings> StartAsync(CancellationToken cancellationToken)
    {
        var port = FreePort();
        var start = new ProcessStartInfo(Path.Combine(TestModel.SharedDirectory, "bin", "llama-server"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-m", TestModel.Path, "--host", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-c", "512", "-b", "512", "-ub", "512", "-np", "1", "-t", "1", "--embedding", "--pooling", "mean", "--no-webui" })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("llama-server did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new LlamaServerEmbeddings(process, port);
        try
        {
            await server.WaitUntilHealthyAsync(cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
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
            await _process.WaitForExitAsync(CancellationToken.None);
        }

        _process.Dispose();
    }

    /// <summary>Polls <c>/health</c> (503 while loading) until it answers 200, or fails when the process exits.</summary>
    private async Task WaitUntilHealthyAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"llama-server exited with code {_process.ExitCode} before it was ready.");
            }

            try
            {
                using var response = await _http.GetAsync("/health", cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
