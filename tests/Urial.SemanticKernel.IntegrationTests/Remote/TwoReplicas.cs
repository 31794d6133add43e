namespace Urial.SemanticKernel.IntegrationTests.Remote;

/// <summary>Two real llama-servers of the same model, each behind a recording fault proxy.</summary>
public sealed class TwoReplicas : IAsyncLifetime
{
    public LlamaServer[] Servers { get; private set; } = [];

    public FaultProxy[] Proxies { get; private set; } = [];

    public async ValueTask InitializeAsync()
    {
        Servers = await Task.WhenAll(LlamaServer.StartAsync(), LlamaServer.StartAsync());
        Proxies = await Task.WhenAll(Servers.Select(FaultProxy.StartAsync));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var proxy in Proxies)
        {
            await proxy.DisposeAsync();
        }

        foreach (var server in Servers)
        {
            await server.DisposeAsync();
        }
    }

    /// <summary>Gets how many completion requests each replica received so far.</summary>
    public int[] CompletionCounts() => [.. Proxies.Select(p => p.CompletionRequests)];
}
