using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Urial.SemanticKernel.IntegrationTests.Hosting;

namespace Urial.SemanticKernel.IntegrationTests.Reliability;

/// <summary>Disposing a client or a host ends every request in flight promptly, whatever its reader is doing, and never deadlocks.</summary>
/// <remarks>
/// Each test holds the engine's loop (<see cref="LoopGate"/>) at the state it is about (requests running, a queue, a reader
/// blocked), disposes, then lets the loop go: "promptly" means the loop ends every request without another decode step.
/// </remarks>
public sealed class DisposalTests
{
    // A JSON answer: each token's text streams as it is sampled (no stop sequence holds it back), so a request held
    // after its first sampled token has an update for its reader.
    private static readonly ChatOptions s_endless = new()
    {
        MaxOutputTokens = 3000,
        ResponseFormat = ChatResponseFormat.ForJsonSchema(System.Text.Json.JsonDocument.Parse("""{"type":"array","items":{"type":"string","minLength":700},"minItems":1}""").RootElement),
        AdditionalProperties = new() { ["json_max_string_length"] = 1000, ["json_max_items"] = 4 },
    };

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static bool Decoding(EngineStepReport report, int requests) => report.Running.Count == requests && report.Running.All(r => r.OutputTokens > 0);

    private static async Task<List<ChatResponseUpdate>> ReadToEndAsync(IAsyncEnumerator<ChatResponseUpdate> stream, TaskCompletionSource? waiting = null)
    {
        var updates = new List<ChatResponseUpdate>();
        while (true)
        {
            var next = stream.MoveNextAsync();
            if (!next.IsCompleted)
            {
                waiting?.TrySetResult(); // nothing buffered: the reader waits for the engine's next token
            }

            if (!await next)
            {
                return updates;
            }

            updates.Add(stream.Current);
        }
    }

    [Fact]
    public async Task Disposing_ends_a_reader_blocked_mid_stream_and_a_reader_that_stopped_reading()
    {
        // Room for both worst-case budgets at once: admission reserves them up front.
        var client = UrialChatClient.FromModel(TestModel.Path, configure: o => o.ContextSize = 12288);
        await client.Engine.WarmUpAsync(Token);
        using var gate = new LoopGate((UrialEngine)client.Engine);
        var bothDecoding = gate.HoldWhenAsync(report => Decoding(report, 2));
        var paused = client.GetStreamingResponseAsync("Tell me a story about a frog.", s_endless, Token).GetAsyncEnumerator(Token);
        var blocked = client.GetStreamingResponseAsync("Tell me a story.", s_endless, Token).GetAsyncEnumerator(Token);
        Assert.True(await paused.MoveNextAsync().FailIfHung("the first update"));
        Assert.True(await blocked.MoveNextAsync().FailIfHung("the first update"));
        await bothDecoding;

        // One reader reads everything there is and then waits for the next token; the other stopped reading.
        var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reading = ReadToEndAsync(blocked, waiting);
        await waiting.Task.FailIfHung("the reader to wait for a token");
        await gate.DisposeWhileHeldAsync(() => client.DisposeAsync().AsTask());

        var readingError = await Record.ExceptionAsync(() => reading.FailIfHung("the blocked reader"));
        var pausedUpdates = new List<ChatResponseUpdate>();
        var pausedError = await Record.ExceptionAsync(async () => pausedUpdates.AddRange(await ReadToEndAsync(paused).FailIfHung("the paused reader")));
        await blocked.DisposeAsync().FailIfHung("disposing the blocked stream");
        await paused.DisposeAsync().FailIfHung("disposing the paused stream");

        Assert.IsType<ObjectDisposedException>(readingError);
        Assert.IsType<ObjectDisposedException>(pausedError); // its buffered tokens were read, then the end was reported
        Assert.All(pausedUpdates, u => Assert.Null(u.FinishReason));
    }

    [Fact]
    public async Task Disposing_ends_requests_still_waiting_for_a_sequence_slot()
    {
        var client = UrialChatClient.FromModel(TestModel.Path, configure: o => o.MaxConcurrentRequests = 1);
        await client.Engine.WarmUpAsync(Token);
        using var gate = new LoopGate((UrialEngine)client.Engine);
        var first = gate.HoldWhenAsync(report => report.Running.Count == 1);
        var requests = Enumerable.Range(0, 4).Select(i => client.GetResponseAsync($"Tell me story {i}.", s_endless, Token)).ToArray();
        await first; // all four are submitted; one runs

        var queue = await gate.HoldWhenAsync(report => report.Waiting == 3); // the next step has taken them in: they wait
        Assert.Single(queue.Running);
        await gate.DisposeWhileHeldAsync(() => client.DisposeAsync().AsTask());

        foreach (var request in requests)
        {
            var error = await Record.ExceptionAsync(() => request.FailIfHung("a request"));
            Assert.IsType<ObjectDisposedException>(error);
            Assert.Contains("disposed", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Concurrent_dispose_calls_all_return_with_requests_in_flight()
    {
        var client = UrialChatClient.FromModel(TestModel.Path);
        await client.Engine.WarmUpAsync(Token);
        using var gate = new LoopGate((UrialEngine)client.Engine);
        var decoding = gate.HoldWhenAsync(report => Decoding(report, 1));
        var running = client.GetResponseAsync("Tell me a story.", s_endless, Token);
        await decoding;

        // Three callers on three threads, all at their dispose call while the request is still in the loop.
        var arrived = 0;
        var allArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Arrive()
        {
            if (Interlocked.Increment(ref arrived) == 3)
            {
                allArrived.TrySetResult();
            }
        }

        var disposers = Task.WhenAll(
            Task.Run(() => { Arrive(); return client.DisposeAsync().AsTask(); }, Token),
            Task.Run(() => { Arrive(); client.Dispose(); }, Token),
            Task.Run(() => { Arrive(); return client.DisposeAsync().AsTask(); }, Token));
        await allArrived.Task.FailIfHung("three disposing threads");
        await gate.DisposeWhileHeldAsync(() => disposers);

        Assert.IsType<ObjectDisposedException>(await Record.ExceptionAsync(() => running.FailIfHung("the running request")));
    }

    [Fact]
    public async Task Stopping_the_host_leaves_the_engine_to_the_container_and_disposing_the_host_ends_requests_in_flight()
    {
        var host = TestHost.Build(
            // Room for two worst-case budgets at once, so that the third request waits for a slot.
            new Dictionary<string, string?> { ["Urial:ModelPath"] = TestModel.Path, ["Urial:MaxConcurrentRequests"] = "2", ["Urial:ContextSize"] = "12288" },
            (services, configuration) => services.AddUrialChatClient(configuration.GetSection("Urial")));
        await host.StartAsync(Token);
        var client = host.Services.GetRequiredService<IChatClient>();
        var engine = host.Services.GetRequiredService<IUrialEngine>();
        using var gate = new LoopGate((UrialEngine)engine);
        var decoding = gate.HoldWhenAsync(report => Decoding(report, 1));
        var streaming = client.GetStreamingResponseAsync("Tell me a story.", s_endless, Token).GetAsyncEnumerator(Token);
        Assert.True(await streaming.MoveNextAsync().FailIfHung("the first update"));
        await decoding;
        var reading = ReadToEndAsync(streaming);
        var whole = client.GetResponseAsync("Tell me a story about a frog.", s_endless, Token);
        var queued = client.GetResponseAsync("Tell me a story about a dog.", s_endless, Token);
        await gate.HoldWhenAsync(report => report.Running.Count == 2 && report.Waiting == 1); // both slots are busy; one waits

        await host.StopAsync(Token).FailIfHung("stopping the host");
        var afterStop = engine.GetHealth();
        await gate.DisposeWhileHeldAsync(() => ((IAsyncDisposable)host).DisposeAsync().AsTask());

        Assert.Equal(UrialEngineStatus.Healthy, afterStop.Status);
        foreach (var request in new Task[] { reading, whole, queued })
        {
            var error = await Record.ExceptionAsync(() => request.FailIfHung("a request"));
            Assert.True(error is ObjectDisposedException, error?.ToString() ?? "completed");
        }

        await streaming.DisposeAsync();
        Assert.Equal(UrialEngineStatus.Unhealthy, engine.GetHealth().Status);
        Assert.Contains("disposed", engine.GetHealth().Description, StringComparison.Ordinal);
    }
}
