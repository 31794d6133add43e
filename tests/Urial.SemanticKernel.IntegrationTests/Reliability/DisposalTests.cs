using System.Diagnostics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Urial.SemanticKernel.IntegrationTests.Hosting;

namespace Urial.SemanticKernel.IntegrationTests.Reliability;

/// <summary>Disposing a client or a host ends every request in flight promptly, whatever its reader is doing, and never deadlocks.</summary>
public sealed class DisposalTests
{
    private static readonly TimeSpan s_prompt = TimeSpan.FromSeconds(10);
    // Four JSON strings of at least 900 characters: the grammar forbids ending sooner, so the request is surely still running when disposed.
    private static readonly ChatOptions s_endless = new()
    {
        MaxOutputTokens = 3000,
        ResponseFormat = ChatResponseFormat.ForJsonSchema(System.Text.Json.JsonDocument.Parse("""{"type":"array","items":{"type":"string","minLength":900},"minItems":4}""").RootElement),
        AdditionalProperties = new() { ["json_max_string_length"] = 1000, ["json_max_items"] = 4 },
    };

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>A stream either reports the disposal or, if it finished first, ends with a finish reason: it is never cut off silently.</summary>
    private static void EndedCleanly(Exception? error, List<ChatResponseUpdate> updates)
    {
        if (error is null)
        {
            Assert.NotNull(Assert.IsType<ChatResponseUpdate>(updates.LastOrDefault()).FinishReason);
        }
        else
        {
            Assert.IsType<ObjectDisposedException>(error);
        }
    }

    [Fact]
    public async Task Disposing_ends_a_reader_blocked_mid_stream_and_a_reader_that_stopped_reading()
    {
        // Room for both worst-case budgets at once: admission reserves them up front.
        var client = UrialChatClient.FromModel(TestModel.Path, configure: o => o.ContextSize = 12288);
        var paused = client.GetStreamingResponseAsync("Tell me a story about a frog.", s_endless, Token).GetAsyncEnumerator(Token);
        Assert.True(await paused.MoveNextAsync());
        var blocked = client.GetStreamingResponseAsync("Tell me a story.", s_endless, Token).GetAsyncEnumerator(Token);
        Assert.True(await blocked.MoveNextAsync());

        // One reader keeps waiting for the next token; the other stopped reading with tokens still coming.
        var blockedUpdates = new List<ChatResponseUpdate>();
        var reading = Task.Run(async () =>
        {
            while (await blocked.MoveNextAsync())
            {
                blockedUpdates.Add(blocked.Current);
            }
        }, Token);
        await Task.Delay(100, Token);
        Assert.False(reading.IsCompleted, "precondition: the stream is still being generated");

        var watch = Stopwatch.StartNew();
        await client.DisposeAsync().AsTask().WaitAsync(s_prompt, Token);

        var readingError = await Record.ExceptionAsync(() => reading.WaitAsync(s_prompt, Token));
        var pausedUpdates = new List<ChatResponseUpdate>();
        var pausedError = await Record.ExceptionAsync(async () =>
        {
            while (await paused.MoveNextAsync().AsTask().WaitAsync(s_prompt, Token))
            {
                pausedUpdates.Add(paused.Current);
            }
        });
        await blocked.DisposeAsync().AsTask().WaitAsync(s_prompt, Token);
        await paused.DisposeAsync().AsTask().WaitAsync(s_prompt, Token);

        Assert.IsType<ObjectDisposedException>(readingError);
        EndedCleanly(pausedError, pausedUpdates); // its buffered tokens are read, then the end is reported
        Assert.True(watch.Elapsed < s_prompt, watch.Elapsed.ToString());
    }

    [Fact]
    public async Task Disposing_ends_requests_still_waiting_for_a_sequence_slot()
    {
        var client = UrialChatClient.FromModel(TestModel.Path, configure: o => o.MaxConcurrentRequests = 1);
        await client.Engine.WarmUpAsync(Token);
        var requests = Enumerable.Range(0, 4).Select(i => client.GetResponseAsync($"Tell me story {i}.", s_endless, Token)).ToArray();
        await Task.Delay(300, Token);

        await client.DisposeAsync().AsTask().WaitAsync(s_prompt, Token);

        foreach (var request in requests)
        {
            var error = await Record.ExceptionAsync(() => request.WaitAsync(s_prompt, Token));
            Assert.IsType<ObjectDisposedException>(error);
            Assert.Contains("disposed", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Concurrent_dispose_calls_all_return_with_requests_in_flight()
    {
        var client = UrialChatClient.FromModel(TestModel.Path);
        await client.Engine.WarmUpAsync(Token);
        var running = client.GetResponseAsync("Tell me a story.", s_endless, Token);
        await Task.Delay(100, Token);

        await Task.WhenAll(
            Task.Run(() => client.DisposeAsync().AsTask(), Token),
            Task.Run(client.Dispose, Token),
            Task.Run(() => client.DisposeAsync().AsTask(), Token)).WaitAsync(s_prompt, Token);

        Assert.IsType<ObjectDisposedException>(await Record.ExceptionAsync(() => running.WaitAsync(s_prompt, Token)));
    }

    [Fact]
    public async Task Stopping_the_host_leaves_the_engine_to_the_container_and_disposing_the_host_ends_requests_in_flight()
    {
        var host = TestHost.Build(
            new Dictionary<string, string?> { ["Urial:ModelPath"] = TestModel.Path, ["Urial:MaxConcurrentRequests"] = "2" },
            (services, configuration) => services.AddUrialChatClient(configuration.GetSection("Urial")));
        await host.StartAsync(Token);
        var client = host.Services.GetRequiredService<IChatClient>();
        var engine = host.Services.GetRequiredService<IUrialEngine>();
        var streaming = client.GetStreamingResponseAsync("Tell me a story.", s_endless, Token).GetAsyncEnumerator(Token);
        Assert.True(await streaming.MoveNextAsync());
        var reading = Task.Run(async () =>
        {
            while (await streaming.MoveNextAsync())
            {
            }
        }, Token);
        var whole = client.GetResponseAsync("Tell me a story about a frog.", s_endless, Token);
        var queued = client.GetResponseAsync("Tell me a story about a dog.", s_endless, Token); // waits: both slots are busy

        await host.StopAsync(Token).WaitAsync(s_prompt, Token);
        var afterStop = engine.GetHealth();
        var watch = Stopwatch.StartNew();
        await ((IAsyncDisposable)host).DisposeAsync().AsTask().WaitAsync(s_prompt, Token);

        Assert.Equal(UrialEngineStatus.Healthy, afterStop.Status);
        foreach (var request in new[] { reading, whole, queued })
        {
            var error = await Record.ExceptionAsync(() => request.WaitAsync(s_prompt, Token));
            Assert.True(error is ObjectDisposedException, error?.ToString() ?? "completed");
        }

        await streaming.DisposeAsync();
        Assert.Equal(UrialEngineStatus.Unhealthy, engine.GetHealth().Status);
        Assert.Contains("disposed", engine.GetHealth().Description, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < s_prompt, watch.Elapsed.ToString());
    }
}
