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
        Client = UrialChatClient.FromServer(new UrialRemoteEngineOptions { Endpoints = { Server.Address } });
        Engine = (UrialRemoteEngine)Client.Engine;
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
