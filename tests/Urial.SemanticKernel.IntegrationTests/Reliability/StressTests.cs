using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.AI;
using Urial.SemanticKernel.IntegrationTests.Chat;

namespace Urial.SemanticKernel.IntegrationTests.Reliability;

/// <summary>
/// 200 requests with random concurrency, options, cancellations and timeouts: each ends as completed, canceled or
/// refused with a clear exception; none hangs; the loop never faults; afterwards the engine holds only the prefix.
/// </summary>
public sealed class StressTests(SharedChatClient fixture) : IClassFixture<SharedChatClient>
{
    private const int Requests = 200;
    private const int MaxInFlight = 12;
    private static readonly TimeSpan s_hang = TimeSpan.FromSeconds(30);
    private static readonly string[] s_questions = ["Hi", "Tell me a story.", "What is a cat?", "Say hello to Tim.", "Why is the sky blue?", "Write a poem about a frog."];
    private static readonly string[] s_stops = ["\n", ".", "the", "Once", "!", "\"", "# Query"];

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private enum Outcome
    {
        Completed,
        Canceled,
        Refused,
    }

    [Fact]
    public async Task Two_hundred_random_requests_each_complete_cancel_or_are_refused_and_the_engine_ends_as_it_started()
    {
        var client = fixture.Client;
        var engine = (UrialEngine)client.Engine;
        var probe = new ChatOptions { MaxOutputTokens = 32 };
        var before = await client.GetResponseAsync("Tell me a story about a dog.", probe, Token);
        var faultsBefore = engine.FaultCount;

        var seed = Environment.TickCount;
        var random = new Random(seed);
        var plans = Enumerable.Range(0, Requests).Select(i => Plan.Random(new Random(random.Next()), i)).ToArray();
        var outcomes = new ConcurrentDictionary<int, (Outcome Outcome, string Detail)>();
        var problems = new ConcurrentQueue<string>();
        using var gate = new SemaphoreSlim(MaxInFlight);
        var watch = Stopwatch.StartNew();

        var tasks = new List<Task>();
        foreach (var plan in plans)
        {
            await gate.WaitAsync(Token);
            if (plan.DelayBeforeMs > 0)
            {
                await Task.Delay(plan.DelayBeforeMs, Token);
            }

            tasks.Add(Task.Run(async () =>
            {
                try
                {
                    var result = await RunAsync(client, plan).WaitAsync(s_hang, Token);
                    outcomes[plan.Index] = result;
                }
                catch (TimeoutException)
                {
                    problems.Enqueue($"HUNG > {s_hang.TotalSeconds} s: {plan}");
                }
                catch (Exception ex)
                {
                    problems.Enqueue($"unexpected {ex.GetType().Name}: {ex.Message} — {plan}");
                }
                finally
                {
                    gate.Release();
                }
            }, Token));
        }

        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(120), Token);
        var elapsed = watch.Elapsed;

        Assert.True(problems.IsEmpty, $"seed {seed}:\n" + string.Join("\n", problems));
        Assert.Equal(Requests, outcomes.Count);
        Assert.Equal(faultsBefore, engine.FaultCount);

        // Every request's KV cells were released: one asking for all the room after the prefix is admitted at once (a leak would hang it).
        var question = "Tell me a story.";
        var promptTokens = await engine.CountTokensAsync(client.Prompt.Render([new ChatMessage(ChatRole.User, question)]), Token);
        var wholeRoom = new ChatOptions { MaxOutputTokens = engine.ContextSize - promptTokens - 8 };
        await using (var stream = client.GetStreamingResponseAsync(question, wholeRoom, Token).GetAsyncEnumerator(Token))
        {
            Assert.True(await stream.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10), Token));
        }

        var after = await client.GetResponseAsync("Tell me a story about a dog.", probe, Token);
        Assert.Equal(before.Text, after.Text);
        Assert.Equal(before.Usage!.CachedInputTokenCount, after.Usage!.CachedInputTokenCount);
        Assert.Equal(faultsBefore, engine.FaultCount);

        var counts = outcomes.Values.GroupBy(o => o.Outcome).ToDictionary(g => g.Key, g => g.Count());
        TestContext.Current.TestOutputHelper?.WriteLine($"seed {seed}, {elapsed.TotalSeconds:F1} s: " + string.Join(", ", counts.Select(kv => $"{kv.Key} {kv.Value}")));
        Assert.True(counts.GetValueOrDefault(Outcome.Completed) > Requests / 3, string.Join(", ", counts));
        Assert.True(elapsed < TimeSpan.FromSeconds(60), $"{elapsed.TotalSeconds:F1} s");
    }

    private static async Task<(Outcome, string)> RunAsync(UrialChatClient client, Plan plan)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Token);
        if (plan.PreCanceled)
        {
            await cts.CancelAsync();
        }
        else if (plan.CancelAfterMs is { } delay)
        {
            cts.CancelAfter(delay);
        }

        try
        {
            if (plan.AbandonAfter is { } abandonAfter)
            {
                var received = 0;
                await foreach (var update in client.GetStreamingResponseAsync(plan.Question, plan.Options, cts.Token))
                {
                    if (++received >= abandonAfter)
                    {
                        break;
                    }
                }

                return (Outcome.Completed, "abandoned or finished");
            }

            var response = await client.GetResponseAsync(plan.Question, plan.Options, cts.Token);
            Assert.NotNull(response.FinishReason);
            Assert.InRange(response.Usage!.OutputTokenCount!.Value, 0, plan.Options.MaxOutputTokens!.Value);
            return (Outcome.Completed, response.FinishReason.Value.Value);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            return (Outcome.Canceled, "canceled");
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or UrialContextLengthExceededException && ex.Message.Length > 20)
        {
            return (Outcome.Refused, ex.Message);
        }
    }

    private sealed record Plan(int Index, string Question, ChatOptions Options, bool PreCanceled, int? CancelAfterMs, int? AbandonAfter, int DelayBeforeMs)
    {
        public static Plan Random(Random random, int index)
        {
            var options = new ChatOptions { MaxOutputTokens = random.Next(1, 41) };
            if (random.NextDouble() < 0.4)
            {
                options.Temperature = (float)Math.Round(random.NextDouble() * 1.5, 2);
                options.Seed = random.Next(0, 1000);
            }

            if (random.NextDouble() < 0.3)
            {
                options.StopSequences = [.. Enumerable.Range(0, random.Next(1, 3)).Select(_ => s_stops[random.Next(s_stops.Length)])];
            }

            if (random.NextDouble() < 0.15)
            {
                options.ResponseFormat = ChatResponseFormat.Json;
                options.AdditionalProperties = new() { ["json_max_string_length"] = 8, ["json_max_items"] = 2 };
            }

            if (random.NextDouble() < 0.05)
            {
                options.TopP = 1.5f; // refused
            }

            var roll = random.NextDouble();
            return new Plan(
                index,
                s_questions[random.Next(s_questions.Length)],
                options,
                PreCanceled: roll < 0.08,
                CancelAfterMs: roll is >= 0.08 and < 0.33 ? random.Next(0, 200) : null,
                AbandonAfter: roll is >= 0.33 and < 0.43 ? random.Next(1, 4) : null,
                DelayBeforeMs: random.Next(0, 4) == 0 ? random.Next(0, 30) : 0);
        }

        public override string ToString() =>
            $"#{Index} '{Question}' max {Options.MaxOutputTokens} t {Options.Temperature} seed {Options.Seed} stops [{string.Join("|", Options.StopSequences ?? [])}] " +
            $"json {Options.ResponseFormat is not null} topP {Options.TopP} precanceled {PreCanceled} cancelAfter {CancelAfterMs} abandon {AbandonAfter}";
    }
}
