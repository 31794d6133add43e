using System.Reflection;

// Every test talks to one server process per fixture; the fixtures' servers start one after the other.
[assembly: Xunit.v3.Parallelization(Mode = Xunit.Sdk.ParallelMode.None)]

namespace Urial.Server.Tests;

/// <summary>The server sample on the real test model, behind an API key, started once for a test class.</summary>
public class ServerFixture : IAsyncLifetime
{
    /// <summary>Gets the API key the server asks for (random per run).</summary>
    public string ApiKey { get; } = "sk-urial-test-" + Guid.NewGuid().ToString("N");

    /// <summary>Gets the running server.</summary>
    public ServerProcess Server { get; private set; } = null!;

    /// <summary>Gets the OpenAI-style base address, <c>http://127.0.0.1:port/v1/</c>.</summary>
    public Uri V1 => new(Server.BaseAddress, "v1/");

    public static string ServerAssembly => typeof(ServerFixture).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ServerAssembly").Value!;

    public async ValueTask InitializeAsync() =>
        Server = await ServerProcess.StartAsync(ServerAssembly, Settings(), TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Gets an <see cref="HttpClient"/> for the server, with the API key.</summary>
    public HttpClient CreateHttpClient(bool withKey = true)
    {
        var client = new HttpClient { BaseAddress = Server.BaseAddress };
        if (withKey)
        {
            client.DefaultRequestHeaders.Authorization = new("Bearer", ApiKey);
        }

        return client;
    }

    protected virtual Dictionary<string, string> Settings() => new()
    {
        ["Urial__ModelPath"] = TestModel.Path,
        ["Urial__Backend"] = "Cpu",
        ["Urial__MaxConcurrentRequests"] = "2",
        ["Urial__DefaultMaxOutputTokens"] = "64",
        ["Server__ApiKey"] = ApiKey,
    };
}

/// <summary>A server that runs one request at a time and queues none: a second concurrent request is refused.</summary>
public sealed class SingleSlotServerFixture : ServerFixture
{
    protected override Dictionary<string, string> Settings()
    {
        var settings = base.Settings();
        settings["Urial__MaxConcurrentRequests"] = "1";
        settings["Urial__MaxQueuedRequests"] = "0";
        settings["Server__RetryAfterSeconds"] = "7";
        return settings;
    }
}
