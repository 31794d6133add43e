using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Urial.SemanticKernel;

namespace Urial.Benchmarks;

/// <summary>
/// The soak: 2,000 requests through the full Semantic Kernel pipeline at bounded concurrency, some canceled, with the
/// resident set sampled after a full GC every 200 requests. Growth after warm-up (the first 200) must stay under 10 %.
/// </summary>
internal static class Soak
{
    private const int Requests = 2000;
    private const int Concurrency = 8;
    private const int SampleEvery = 200;

    public static async Task RunAsync(IChatCompletionService chat, Report report)
    {
        var random = new Random(2024);
        var plan = Enumerable.Range(0, Requests)
            .Select(i => (Question: $"Tell me story {i % 50} about a {(i % 3 == 0 ? "cat" : i % 3 == 1 ? "dog" : "bird")}.", MaxTokens: random.Next(4, 25), CancelAfterMs: random.Next(10) == 0 ? random.Next(1, 40) : -1))
            .ToArray();
        var samples = new List<long> { Memory.WorkingSet() };
        int completed = 0, canceled = 0, failed = 0;
        using var gate = new SemaphoreSlim(Concurrency);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();

        for (var batch = 0; batch < Requests; batch += SampleEvery)
        {
            var tasks = plan.Skip(batch).Take(SampleEvery).Select(async item =>
            {
                await gate.WaitAsync();
                try
                {
                    using var cts = item.CancelAfterMs > 0 ? new CancellationTokenSource(item.CancelAfterMs) : new CancellationTokenSource();
                    var history = new ChatHistory();
                    history.AddUserMessage(item.Question);
                    await chat.GetChatMessageContentAsync(history, new UrialPromptExecutionSettings { MaxTokens = item.MaxTokens }, cancellationToken: cts.Token);
                    Interlocked.Increment(ref completed);
                }
                catch (OperationCanceledException)
                {
                    Interlocked.Increment(ref canceled);
                }
                catch (Exception)
                {
                    Interlocked.Increment(ref failed);
                }
                finally
                {
                    gate.Release();
                }
            });
            await Task.WhenAll(tasks);
            samples.Add(Memory.WorkingSet());
        }

        var seconds = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;
        var warm = samples[1];
        var growth = (samples[^1] - warm) / (double)warm;
        var peak = samples.Skip(1).Max();
        report.Row("8 soak", $"{Requests} requests via SK, concurrency {Concurrency}, 4–24 tokens, ~10 % canceled: completed / canceled / failed", $"{completed} / {canceled} / {failed} in {Report.F(seconds, "F0")} s", string.Empty, "0 failed", failed == 0 ? "met" : "MISSED");
        report.Row("8 soak", "resident set after GC: start / after 200 (warm) / peak / after 2,000", $"{Memory.MiB(samples[0])} / {Memory.MiB(warm)} / {Memory.MiB(peak)} / {Memory.MiB(samples[^1])}", $"growth after warm-up {Report.F(growth * 100, "F1")} %", "< 10 %", growth < 0.10 ? "met" : "MISSED");
        report.Note("Soak samples (MiB, every 200 requests): " + string.Join(", ", samples.Select(s => Report.F(s / 1048576.0, "F1"))));
    }
}
