using System.Diagnostics.Metrics;
using System.Text;
using Microsoft.Extensions.AI;

namespace Urial.SemanticKernel.IntegrationTests.Inference;

/// <summary>Reuse of finished conversations' KV, admission under pressure, the bounded queue and the engine's metrics, on the real model.</summary>
public sealed class PrefixCacheTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static async Task<(string Text, GenerationUpdate Last)> RunAsync(UrialEngine engine, GenerationRequest request, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        GenerationUpdate? last = null;
        await foreach (var update in engine.GenerateAsync(request, cancellationToken))
        {
            text.Append(update.Text);
            last = update;
        }

        return (text.ToString(), last!);
    }

    [Fact]
    public async Task A_follow_up_turn_reuses_the_previous_turn_and_answers_exactly_as_without_the_cache()
    {
        await using var cached = UrialChatClient.FromModel(TestModel.Path);
        await using var uncached = UrialChatClient.FromModel(TestModel.Path, configure: o => o.PrefixCacheSequences = 0);
        var options = new ChatOptions { MaxOutputTokens = 24 };
        List<ChatMessage> history = [new(ChatRole.User, "Tell me about a brave little mouse.")];
        var first = await cached.GetResponseAsync(history, options, Token);
        history.AddRange(first.Messages);
        history.Add(new ChatMessage(ChatRole.User, "What happened next?"));

        var second = await cached.GetResponseAsync(history, options, Token);
        var reference = await uncached.GetResponseAsync(history, options, Token);

        Assert.Equal(reference.Text, second.Text);
        Assert.True(second.Usage!.CachedInputTokenCount > first.Usage!.InputTokenCount, $"turn 2 reused {second.Usage.CachedInputTokenCount} tokens; turn 1 had {first.Usage.InputTokenCount}");
        Assert.Equal(cached.Prompt.Text.Length > 0 ? reference.Usage!.InputTokenCount : 0, second.Usage.InputTokenCount);
        Assert.True(reference.Usage!.CachedInputTokenCount < first.Usage.InputTokenCount, "without the cache only the URIAL prefix is reused");
    }

    [Fact]
    public async Task Regenerating_an_answer_evaluates_only_the_last_prompt_token()
    {
        await using var engine = new UrialEngine(new UrialEngineOptions { ModelPath = TestModel.Path });
        var request = new GenerationRequest("Once upon a time, there was a little dog named Max.") { MaxOutputTokens = 16 };

        var (firstText, first) = await RunAsync(engine, request, Token);
        var (againText, again) = await RunAsync(engine, request, Token);

        Assert.Equal(firstText, againText);
        Assert.Equal(0, first.Usage!.CachedPromptTokens); // no cached prefix configured
        Assert.Equal(again.Usage!.PromptTokens - 1, again.Usage.CachedPromptTokens);
    }

    [Fact]
    public async Task Cached_sequences_give_their_cells_back_so_no_request_fails_for_lack_of_kv()
    {
        await using var engine = new UrialEngine(new UrialEngineOptions { ModelPath = TestModel.Path, ContextSize = 256, MaxConcurrentRequests = 4, PrefixCacheSequences = 8 });
        var requests = Enumerable.Range(0, 24).Select(i => new GenerationRequest($"Story {i}: once upon a time there was a {(i % 3 == 0 ? "cat" : "bird")} number {i * 7}.") { MaxOutputTokens = 40 });

        var results = await Task.WhenAll(requests.Select(r => RunAsync(engine, r, Token)));

        Assert.All(results, r => Assert.NotNull(r.Last.FinishReason));
        Assert.Equal(0, engine.FaultCount);
    }

    [Fact]
    public async Task A_full_queue_refuses_with_a_capacity_exception_and_the_rest_complete()
    {
        await using var engine = new UrialEngine(new UrialEngineOptions { ModelPath = TestModel.Path, MaxConcurrentRequests = 1, MaxQueuedRequests = 1 });
        await engine.WarmUpAsync(Token);
        // The grammar leaves no way to end before the budget, so the request still runs after its first step; the loop is
        // held after that step, so the engine has published one running request and cannot move on while the next two
        // arrive: one waits, one is refused, on any machine.
        var slow = new GenerationRequest("Once upon a time") { MaxOutputTokens = 300, Grammar = new GenerationGrammar("root ::= \"a\"{1000}") };
        Task<(string Text, GenerationUpdate Last)> running, queued;
        using (var gate = new LoopGate(engine))
        {
            var admitted = gate.HoldWhenAsync(report => report.Running.Count == 1);
            running = RunAsync(engine, slow, Token);
            await admitted;
            queued = RunAsync(engine, new GenerationRequest("Once upon a time") { MaxOutputTokens = 4 }, Token);
            var error = await Assert.ThrowsAsync<UrialCapacityExceededException>(() => RunAsync(engine, new GenerationRequest("Once") { MaxOutputTokens = 4 }, Token));
            Assert.Contains("MaxQueuedRequests", error.Message, StringComparison.Ordinal);
        }

        Assert.NotNull((await running.FailIfHung("the running request")).Last.FinishReason);
        Assert.NotNull((await queued.FailIfHung("the queued request")).Last.FinishReason);
    }

    [Fact]
    public async Task The_engine_reports_first_token_time_prefix_reuse_and_occupancy()
    {
        var measurements = new List<(string Name, double Value)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == UrialTelemetry.EngineMeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((i, v, _, _) => { lock (measurements) { measurements.Add((i.Name, v)); } });
        listener.SetMeasurementEventCallback<long>((i, v, _, _) => { lock (measurements) { measurements.Add((i.Name, v)); } });
        listener.SetMeasurementEventCallback<int>((i, v, _, _) => { lock (measurements) { measurements.Add((i.Name, v)); } });
        listener.Start();
        await using var client = UrialChatClient.FromModel(TestModel.Path);

        await client.GetResponseAsync("Tell me a story.", new ChatOptions { MaxOutputTokens = 8 }, Token);
        listener.RecordObservableInstruments();

        lock (measurements)
        {
            Assert.Contains(measurements, m => m.Name == "urial.engine.time_to_first_token" && m.Value > 0);
            Assert.Contains(measurements, m => m.Name == "urial.engine.output_tokens_per_second" && m.Value > 0);
            Assert.Contains(measurements, m => m.Name == "urial.engine.prompt_tokens.cached" && m.Value > 1000);
            Assert.Contains(measurements, m => m.Name == "urial.engine.kv_cells_in_use" && m.Value > 1000);
            Assert.Contains(measurements, m => m.Name == "urial.engine.cached_sequences" && m.Value == 1);
        }
    }
}

/// <summary>The KV cache filling up despite admission control: the engine rebuilds, preempts, and every request still finishes correctly.</summary>
public sealed class KvOverflowTests
{
    [Fact]
    public async Task A_cache_that_fills_up_anyway_rebuilds_preempts_and_keeps_serving_every_request_exactly()
    {
        var token = TestContext.Current.CancellationToken;

        // Each request's answer is forced by a grammar: whatever llama.cpp's rounding, the exact text shows whether a
        // preempted request kept what it had released (no character lost or repeated across the rebuild).
        var answers = Enumerable.Range(0, 4).Select(i => string.Concat(Enumerable.Repeat($"Request {i} says hello to everyone in the park. ", 3))).ToArray();
        static GenerationRequest Request(int index, string answer) =>
            new($"Once upon a time, a {(index % 2 == 0 ? "little cat" : "big dog")} named {index} went to the park.")
            {
                MaxOutputTokens = 200,
                Grammar = new GenerationGrammar($"root ::= {GbnfText.Literal(answer)}"),
            };
        static async Task<string> RunAsync(UrialEngine engine, GenerationRequest request, CancellationToken cancellationToken)
        {
            var text = new StringBuilder();
            await foreach (var update in engine.GenerateAsync(request, cancellationToken))
            {
                text.Append(update.Text);
            }

            return text.ToString();
        }

        // Admission believes there are 100,000 cells; there are 256, so four requests of ~150 cells overflow the real cache.
        await using var engine = new UrialEngine(new UrialEngineOptions { ModelPath = TestModel.Path, ContextSize = 256, MaxConcurrentRequests = 4, PrefixCacheSequences = 0, CellBudgetOverride = 100_000 });
        await engine.WarmUpAsync(token);
        Task<string>[] running;
        using (var gate = new LoopGate(engine))
        {
            // The loop waits after its first step while all four are queued: the next step runs them together, on any machine.
            var started = gate.HoldWhenAsync(report => report.Running.Count > 0);
            running = [.. answers.Select((answer, i) => RunAsync(engine, Request(i, answer), token))];
            await started;
        }

        var actual = await Task.WhenAll(running).FailIfHung("the four requests");

        Assert.True(engine.FaultCount > 0, "the real cache overflowed at least once");
        Assert.Equal(answers, actual);
        Assert.NotEmpty(await RunAsync(engine, new GenerationRequest("Once upon a time") { MaxOutputTokens = 4 }, token));
        Assert.Null(engine.LearnedFreeCells); // once idle, admission no longer caps itself by what one overflow taught
    }
}
