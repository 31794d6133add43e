using System.Net.Http.Json;
using System.Text.Json;

namespace Urial.SemanticKernel.IntegrationTests.Embeddings;

/// <summary>
/// The real llama-server (<c>shared/bin</c>, another llama.cpp build) serving mean-pooled embeddings on loopback: the
/// shared <see cref="LlamaServer"/> fixture (a port of the system's choosing, ready by its log, stopped by its process id)
/// with embeddings on.
/// </summary>
internal sealed class LlamaServerEmbeddings : IAsyncDisposable
{
    private readonly LlamaServer _server;
    private readonly HttpClient _http;

    private LlamaServerEmbeddings(LlamaServer server)
    {
        _server = server;
        _http = new HttpClient { BaseAddress = server.Address, Timeout = HangGuard.Limit };
    }

    public static async Task<LlamaServerEmbeddings> StartAsync(CancellationToken cancellationToken) =>
        new(await LlamaServer.StartAsync(contextPerSlot: 512, slots: 1, arguments: ["-b", "512", "-ub", "512", "--embedding", "--pooling", "mean"], cancellationToken: cancellationToken));

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
        await _server.DisposeAsync();
    }
}
