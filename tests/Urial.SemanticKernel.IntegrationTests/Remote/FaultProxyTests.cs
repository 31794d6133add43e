using System.Net;
using System.Text;

namespace Urial.SemanticKernel.IntegrationTests.Remote;

/// <summary>
/// Every fault between the engine and a real llama-server ends in a successful retry or a clear exception that names the
/// endpoint: never a hang, never a repeated or silently shortened answer.
/// </summary>
public sealed class FaultProxyTests(LlamaServerChat fixture) : IClassFixture<LlamaServerChat>, IAsyncLifetime
{
    private const string Prompt = "Once upon a time, there was a little girl named Lily.";
    private FaultProxy _proxy = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _proxy = await FaultProxy.StartAsync(fixture.Server);

    public ValueTask DisposeAsync() => _proxy.DisposeAsync();

    // The attempt timeout ends only the proxy's held first byte; 5 s leaves a fault-free attempt on a loaded machine room.
    internal static UrialRemoteEngineOptions Options(params Uri[] endpoints)
    {
        var options = new UrialRemoteEngineOptions { RetryDelay = TimeSpan.FromMilliseconds(10), AttemptTimeout = TimeSpan.FromSeconds(5), MaxRetries = 2 };
        foreach (var endpoint in endpoints)
        {
            options.Endpoints.Add(endpoint);
        }

        return options;
    }

    [Theory]
    [InlineData(ProxyFault.ServiceUnavailable)]
    [InlineData(ProxyFault.ResetBeforeResponse)]
    [InlineData(ProxyFault.SlowFirstByte)]
    public async Task A_fault_before_the_response_is_retried_and_the_answer_is_the_fault_free_one(ProxyFault fault)
    {
        var reference = await GenerateAsync(fixture.Engine);
        await using var engine = new UrialRemoteEngine(Options(_proxy.Address));
        await engine.WarmUpAsync(Token);
        _proxy.Plan(fault);

        var answer = await GenerateAsync(engine);

        Assert.Equal(reference, answer);
        Assert.Equal(2, _proxy.CompletionRequests);
    }

    [Fact]
    public async Task A_server_that_keeps_failing_gets_an_exception_naming_endpoint_status_and_message()
    {
        await using var engine = new UrialRemoteEngine(Options(_proxy.Address));
        await engine.WarmUpAsync(Token);
        _proxy.Plan(ProxyFault.ServiceUnavailable, ProxyFault.ServiceUnavailable, ProxyFault.ServiceUnavailable);

        var error = await Assert.ThrowsAsync<UrialRemoteEngineException>(() => GenerateAsync(engine));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.StatusCode);
        Assert.Equal(_proxy.Address, error.Endpoint);
        Assert.Equal("Loading model", error.ServerMessage);
        Assert.Contains(_proxy.Address.ToString(), error.Message, StringComparison.Ordinal);
        Assert.Contains("503", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, _proxy.CompletionRequests);
    }

    [Theory]
    [InlineData(ProxyFault.ResetMidStream, "broke off")]
    [InlineData(ProxyFault.TruncateStream, "truncated")]
    [InlineData(ProxyFault.MalformedJson, "malformed")]
    public async Task A_stream_that_breaks_fails_clearly_and_what_arrived_is_a_prefix_of_the_answer(ProxyFault fault, string reason)
    {
        var reference = await GenerateAsync(fixture.Engine);
        await using var engine = new UrialRemoteEngine(Options(_proxy.Address));
        await engine.WarmUpAsync(Token);
        var textArrived = new TaskCompletionSource();
        _proxy.FaultGate = textArrived.Task; // the fault strikes only once the caller holds part of the answer
        _proxy.Plan(fault);

        var received = new StringBuilder();
        var error = await Assert.ThrowsAsync<UrialRemoteEngineException>(() => GenerateAsync(engine, received, textArrived));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Equal(_proxy.Address, error.Endpoint);
        Assert.StartsWith(received.ToString(), reference, StringComparison.Ordinal);
        Assert.True(received.Length < reference.Length, "the answer was cut, and the caller was told");
        Assert.Equal(1, _proxy.CompletionRequests); // a stream that started is never repeated
    }

    [Fact]
    public async Task The_server_killed_mid_request_fails_clearly_and_the_engine_reports_unhealthy()
    {
        await using var server = await LlamaServer.StartAsync(slots: 1, cancellationToken: Token);
        await using var proxy = await FaultProxy.StartAsync(server);
        await using var engine = new UrialRemoteEngine(Options(proxy.Address));
        await engine.WarmUpAsync(Token);
        proxy.Plan(ProxyFault.KillServer);

        var error = await Assert.ThrowsAsync<UrialRemoteEngineException>(() => GenerateAsync(engine));

        Assert.Contains(proxy.Address.ToString(), error.Message, StringComparison.Ordinal);
        Assert.True(server.HasExited);
        Assert.Equal(UrialEngineStatus.Unhealthy, engine.GetHealth().Status);
    }

    [Fact]
    public async Task The_api_key_is_sent_as_a_bearer_token()
    {
        var options = Options(_proxy.Address);
        options.ApiKey = "sk-test-secret-0123";
        await using var engine = new UrialRemoteEngine(options);

        await GenerateAsync(engine);

        Assert.All(_proxy.Requests, r => Assert.Equal("Bearer sk-test-secret-0123", r.Authorization));
    }

    private static async Task<string> GenerateAsync(IUrialEngine engine, StringBuilder? received = null, TaskCompletionSource? textArrived = null)
    {
        received ??= new StringBuilder();
        await foreach (var update in engine.GenerateAsync(new GenerationRequest(Prompt) { MaxOutputTokens = 48 }, Token))
        {
            received.Append(update.Text);
            if (received.Length > 0)
            {
                textArrived?.TrySetResult();
            }
        }

        return received.ToString();
    }
}
