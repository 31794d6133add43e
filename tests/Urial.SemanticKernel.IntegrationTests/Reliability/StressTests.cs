using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.AI;
using Urial.SemanticKernel.IntegrationTests.Chat;

namespace Urial.SemanticKernel.IntegrationTests.Reliability;

/// <summary>
/// 200 requests with random concurrency, options, cancellations and abandoned streams: each ends as completed, canceled or
/// refused with a clear exception; none hangs; the loop never faults; afterwards the engine holds only the prefix.
/// </summary>
/// <remarks>
/// The plans come from a fixed seed (printed with the result), and every cancellation happens at a point the engine or the
/// caller observes — before the request starts, after the engine sampled its k-th token, after the caller read its k-th
/// update — never after some time, so a failure replays on any machine.
/// </remarks>
public sealed class StressTests(SharedChatClient fixture) : IClassFixture<SharedChatClient>
{
    private const int Requests = 200;
    private const int MaxInFlight = 12;
    private const int Seed = 20261210;
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
        TestContext.Current.TestOutputHelper?.WriteLine($"seed {Seed}");
        var probe = new ChatOptions { MaxOutputTokens = 32 };
        var before = await client.GetResponseAsync("Tell me a story about a dog.", probe, Token);
        var faultsBefore = engine.FaultCount;

        var random = new Random(Seed);
        var runs = Enumerable.Range(0, Requests).Select(i => new PlanRun(Plan.Random(new Random(random.Next()), i))).ToArray();
        var outcomes = new ConcurrentDictionary<int, (Outcome Outcome, string Detail)>();
        var problems = new ConcurrentQueue<string>();
        var inEngine = new ConcurrentDictionary<CancellationToken, PlanRun>();
        engine.StepObserver = report =>
        {
            foreach (var progress in report.Running)
            {
                if (inEngine.TryGetValue(progress.CancellationToken, out var run))
                {
                    run.Observe(progress);
                }
            }

            return ValueTask.CompletedTask;
        };
        using var gate = new SemaphoreSlim(MaxInFlight);
        var watch = Stopwatch.StartNew();

        var tasks = new List<Task>();
        try
        {
            for (var i = 0; i < runs.Length; i++)
            {
                var run = runs[i];
                await gate.WaitAsync(Token);
                if (run.Plan.AfterPrevious && i > 0)
                {
                    await runs[i - 1].Started.FailIfHung($"request #{i - 1} to start");
                }

                inEngine[run.Cancellation.Token] = run;
                tasks.Add(Task.Run(async () =>
                {
                    try
                    {
                        outcomes[run.Plan.Index] = await RunAsync(client, run).FailIfHung(run.Plan.ToString());
                    }
                    catch (TimeoutException hang)
                    {
                        problems.Enqueue(hang.Message);
                    }
                    catch (Exception ex)
                    {
                        problems.Enqueue($"unexpected {ex.GetType().Name}: {ex.Message} — {run.Plan}");
                    }
                    finally
                    {
                        run.Ended();
                        gate.Release();
                    }
                }, Token));
            }

            await Task.WhenAll(tasks).FailIfHung("the 200 requests");
        }
        finally
        {
            engine.StepObserver = null;
            foreach (var run in runs)
            {
                run.Dispose();
            }
        }

        var elapsed = watch.Elapsed;
        Assert.True(problems.IsEmpty, $"seed {Seed}:\n" + string.Join("\n", problems));
        Assert.Equal(Requests, outcomes.Count);
        Assert.Equal(faultsBefore, engine.FaultCount);

        await AssertEveryCellWasReleasedAsync(client, engine);

        var after = await client.GetResponseAsync("Tell me a story about a dog.", probe, Token);
        Assert.Equal(before.Text, after.Text);
        Assert.Equal(before.Usage!.CachedInputTokenCount, after.Usage!.CachedInputTokenCount);
        Assert.Equal(faultsBefore, engine.FaultCount);

        var counts = outcomes.Values.GroupBy(o => o.Outcome).ToDictionary(g => g.Key, g => g.Count());
        TestContext.Current.TestOutputHelper?.WriteLine($"seed {Seed}, {elapsed.TotalSeconds:F1} s: " + string.Join(", ", counts.Select(kv => $"{kv.Key} {kv.Value}")));
        Assert.True(counts.GetValueOrDefault(Outcome.Completed) > Requests / 3, string.Join(", ", counts));
        Assert.True(counts.GetValueOrDefault(Outcome.Canceled) > 0, string.Join(", ", counts));
    }

    /// <summary>
    /// A request asking for all the room after the prefix is admitted at once; had any request leaked KV cells, it would wait
    /// while nothing runs — a state that never changes, which the engine's step report shows.
    /// </summary>
    private static async Task AssertEveryCellWasReleasedAsync(UrialChatClient client, UrialEngine engine)
    {
        var question = "Tell me a story.";
        var promptTokens = await engine.CountTokensAsync(client.Prompt.Render([new ChatMessage(ChatRole.User, question)]), Token);
        var wholeRoom = new ChatOptions { MaxOutputTokens = engine.ContextSize - promptTokens - 8 };
        var admitted = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        engine.StepObserver = report =>
        {
            if (report.Running.Count > 0 || report.Waiting > 0)
            {
                admitted.TrySetResult(report.Running.Count > 0);
            }

            return ValueTask.CompletedTask;
        };
        try
        {
            using var whole = CancellationTokenSource.CreateLinkedTokenSource(Token);
            var request = client.GetResponseAsync(question, wholeRoom, whole.Token);
            var first = await Task.WhenAny(admitted.Task, request).FailIfHung("the request for the whole room");
            Assert.True(first == request || admitted.Task.Result, "the request for the whole room waits while nothing runs: KV cells leaked");
            await whole.CancelAsync();
            var end = await Record.ExceptionAsync(() => request.FailIfHung("the canceled request for the whole room"));
            Assert.True(end is null or OperationCanceledException, end?.ToString());
        }
        finally
        {
            engine.StepObserver = null;
        }
    }

    private static async Task<(Outcome, string)> RunAsync(UrialChatClient client, PlanRun run)
    {
        var plan = run.Plan;
        var cancellation = run.Cancellation;
        if (plan.PreCanceled)
        {
            await cancellation.CancelAsync();
        }

        try
        {
            if ((plan.AbandonAfter ?? plan.CancelAfterUpdates) is { } readUpdates)
            {
                var received = 0;
                await foreach (var update in client.GetStreamingResponseAsync(plan.Question, plan.Options, cancellation.Token))
                {
                    if (++received == readUpdates)
                    {
                        if (plan.AbandonAfter is not null)
                        {
                            return (Outcome.Completed, "abandoned");
                        }

                        await cancellation.CancelAsync(); // the caller cancels, then reads on: the stream must end canceled
                    }
                }

                return (Outcome.Completed, "finished before the planned cancellation");
            }

            var response = await client.GetResponseAsync(plan.Question, plan.Options, cancellation.Token);
            Assert.NotNull(response.FinishReason);
            Assert.InRange(response.Usage!.OutputTokenCount!.Value, 0, plan.Options.MaxOutputTokens!.Value);
            return (Outcome.Completed, response.FinishReason.Value.Value);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            return (Outcome.Canceled, "canceled");
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or UrialContextLengthExceededException && ex.Message.Length > 20)
        {
            return (Outcome.Refused, ex.Message);
        }
    }

    /// <summary>One request's plan while it runs: its cancellation, and whether the engine has started it.</summary>
    private sealed class PlanRun(Plan plan) : IDisposable
    {
        private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _canceledByEngineState;

        public Plan Plan { get; } = plan;

        public CancellationTokenSource Cancellation { get; } = CancellationTokenSource.CreateLinkedTokenSource(Token);

        /// <summary>Gets a task that completes once the engine ran a step of this request, or the request ended.</summary>
        public Task Started => _started.Task;

        /// <summary>Called on the engine loop after each step that left this request running.</summary>
        public void Observe(RequestProgress progress)
        {
            _started.TrySetResult();
            if (Plan.CancelAtOutputToken is { } k && progress.OutputTokens >= k && Interlocked.Exchange(ref _canceledByEngineState, 1) == 0)
            {
                Cancellation.Cancel(); // the next step drops the request
            }
        }

        public void Ended() => _started.TrySetResult();

        public void Dispose() => Cancellation.Dispose();
    }

    /// <param name="CancelAtOutputToken">Canceled on the engine loop once the engine has sampled this many tokens (0: as soon as it runs).</param>
    /// <param name="CancelAfterUpdates">A streaming request the caller cancels after reading this many updates.</param>
    /// <param name="AbandonAfter">A streaming request the caller stops reading after this many updates.</param>
    /// <param name="AfterPrevious">Submitted only once the engine has started the previous request (or it ended).</param>
    private sealed record Plan(int Index, string Question, ChatOptions Options, bool PreCanceled, int? CancelAtOutputToken, int? CancelAfterUpdates, int? AbandonAfter, bool AfterPrevious)
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
                CancelAtOutputToken: roll is >= 0.08 and < 0.33 ? random.Next(0, 9) : null,
                CancelAfterUpdates: roll is >= 0.33 and < 0.40 ? random.Next(1, 4) : null,
                AbandonAfter: roll is >= 0.40 and < 0.50 ? random.Next(1, 4) : null,
                AfterPrevious: random.Next(0, 4) == 0);
        }

        public override string ToString() =>
            $"#{Index} '{Question}' max {Options.MaxOutputTokens} t {Options.Temperature} seed {Options.Seed} stops [{string.Join("|", Options.StopSequences ?? [])}] " +
            $"json {Options.ResponseFormat is not null} topP {Options.TopP} precanceled {PreCanceled} cancelAtToken {CancelAtOutputToken} " +
            $"cancelAfterUpdates {CancelAfterUpdates} abandon {AbandonAfter} afterPrevious {AfterPrevious}";
    }
}
