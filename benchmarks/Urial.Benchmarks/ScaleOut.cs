using System.Diagnostics;
using Microsoft.Extensions.AI;
using Urial.SemanticKernel;

namespace Urial.Benchmarks;

/// <summary>
/// The scale-out section (<c>--only scaleout</c>): multi-turn conversations through real llama-server replicas on loopback —
/// one replica, two replicas with prefix affinity, two without — reporting time to first token, the share of prompt tokens
/// the servers served from their caches, and aggregate output throughput. Every configuration starts fresh servers.
/// </summary>
internal static class ScaleOut
{
    private const int SlotsPerReplica = 4;
    private const int ContextPerSlot = 8192;
    private const int BatchSize = 512;

    public static async Task RunAsync(BenchArgs options, Report report)
    {
        var conversations = options.Quick ? 4 : 12;
        var turns = options.Quick ? 3 : 4;
        var concurrency = options.Quick ? 2 : 4;
        report.Note($"{conversations} conversations × {turns} turns, {concurrency} conversations at a time (turns of one conversation in order), 24 output tokens per answer; " +
            $"each replica: llama-server -np {SlotsPerReplica} -c {SlotsPerReplica * ContextPerSlot} -t 1 -tb 1 -b {BatchSize} -ub {BatchSize} on 127.0.0.1 (one core each); the client is this process.");
        foreach (var (name, replicas, affinity) in new[] { ("1 · one replica", 1, true), ("2 · two replicas, prefix affinity", 2, true), ("3 · two replicas, no affinity", 2, false) })
        {
            var servers = await Task.WhenAll(Enumerable.Range(0, replicas).Select(_ => LlamaServer.StartAsync(options.ModelPath, SlotsPerReplica, threads: 1, batchThreads: 1, ContextPerSlot, BatchSize)));
            try
            {
                var engineOptions = new UrialRemoteEngineOptions { PrefixAffinity = affinity, AttemptTimeout = TimeSpan.FromMinutes(5) };
                foreach (var server in servers)
                {
                    engineOptions.Endpoints.Add(server.Address);
                }

                await using var client = UrialChatClient.FromServer(engineOptions);
                await client.Engine.WarmUpAsync();
                await MeasureAsync(client, name, conversations, turns, concurrency, report);
            }
            finally
            {
                foreach (var server in servers)
                {
                    server.Dispose();
                }
            }
        }
    }

    private static async Task MeasureAsync(UrialChatClient client, string name, int conversations, int turns, int concurrency, Report report)
    {
        var firstTokenMs = new List<double>();
        long input = 0, cached = 0, output = 0;
        var gate = new SemaphoreSlim(concurrency);
        var wall = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, conversations).Select(async c =>
        {
            await gate.WaitAsync();
            try
            {
                List<ChatMessage> history = [new(ChatRole.User, $"Tell me story number {c} about a {(c % 2 == 0 ? "cat" : "frog")}.")];
                for (var turn = 0; turn < turns; turn++)
                {
                    var started = Stopwatch.GetTimestamp();
                    double? first = null;
                    var updates = new List<ChatResponseUpdate>();
                    await foreach (var update in client.GetStreamingResponseAsync(history, new ChatOptions { MaxOutputTokens = 24 }))
                    {
                        first ??= Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                        updates.Add(update);
                    }

                    var response = updates.ToChatResponse();
                    lock (firstTokenMs)
                    {
                        firstTokenMs.Add(first ?? double.NaN);
                        input += response.Usage?.InputTokenCount ?? 0;
                        cached += response.Usage?.CachedInputTokenCount ?? 0;
                        output += response.Usage?.OutputTokenCount ?? 0;
                    }

                    history.AddRange(response.Messages);
                    history.Add(new ChatMessage(ChatRole.User, "What happened next?"));
                }
            }
            finally
            {
                gate.Release();
            }
        }));
        var seconds = wall.Elapsed.TotalSeconds;
        report.Row("scale-out " + name, "time to first update (ms)", Stats.Describe(firstTokenMs, "F0"));
        report.Row("scale-out " + name, "prompt tokens served from the servers' caches", $"{Report.F(100.0 * cached / Math.Max(1, input), "F1")} % ({cached} of {input})");
        report.Row("scale-out " + name, "aggregate output tokens/s", Report.F(output / seconds, "F1"), $"{firstTokenMs.Count} requests in {Report.F(seconds, "F1")} s");
    }
}
