namespace Urial.SemanticKernel.IntegrationTests.Remote;

/// <summary>One real llama-server for a test class, with a remote engine and a chat client over it.</summary>
public sealed class LlamaServerChat : IAsyncLifetime
{
    public LlamaServer Server { get; private set; } = null!;

    public UrialRemoteEngine Engine { get; private set; } = null!;

    public UrialChatClient Client { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Server = await LlamaServer.StartAsync();
        Engine = new UrialRemoteEngine(new UrialRemoteEngineOptions { Endpoints = { Server.Address } });
        Client = new UrialChatClient(Engine, ownsEngine: true);
        await Engine.WarmUpAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (Client is not null)
        {
            await Client.DisposeAsync();
        }

        if (Server is not null)
        {
            await Server.DisposeAsync();
        }
    }
}
