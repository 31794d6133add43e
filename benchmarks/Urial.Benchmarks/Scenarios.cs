using System.Diagnostics;
using LLama;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Urial.SemanticKernel;

namespace Urial.Benchmarks;

/// <summary>The measurements. Every comparison is interleaved (A, B, A, B…) with a warm-up of each variant first.</summary>
internal sealed class Scenarios(BenchArgs args, UrialEngine engine, IChatCompletionService chatService, RawRunner raw, Report report)
{
    private readonly UrialPrompt _prompt = UrialPrompt.Default;
    private readonly Targets _targets = Targets.For(args);

    private static string Question(int i) => Work.Question(i);

    private static string SingleTurn(int i) => Work.SingleTurn(i);

    public async Task MemoryAsync(long beforeLoad, long afterEngine, long afterRaw)
    {
        report.Row("5 memory", "working set before loading", Memory.MiB(beforeLoad));
        report.Row("5 memory", "+ engine (weights, 8192-cell KV cache, prefix evaluated)", Memory.MiB(afterEngine), "+" + Memory.MiB(afterEngine - beforeLoad));
        report.Row("5 memory", "+ raw baseline runner (second copy of everything)", Memory.MiB(afterRaw), "+" + Memory.MiB(afterRaw - afterEngine));

        var outputTokens = args.Quick ? 32 : 64;
        // 16 three times: later rounds show whether the first one's growth is retained per session or a one-time high-water mark.
        foreach (var sessions in new[] { 1, 16, 16, 16 })
        {
            var before = Memory.WorkingSet();
            var peakDuring = 0L;
            var usages = new GenerationUsage[sessions];
            var tasks = Enumerable.Range(0, sessions).Select(async i =>
            {
                var first = true;
                await foreach (var update in engine.GenerateAsync(new GenerationRequest(SingleTurn(i)) { MaxOutputTokens = outputTokens, Sampling = Work.Greedy }))
                {
                    if (first && i == sessions - 1)
                    {
                        // Every session is live now (all were admitted together): sample the resident set mid-flight.
                        using var process = Process.GetCurrentProcess();
                        peakDuring = process.WorkingSet64;
                    }

                    first = false;
                    usages[i] = update.Usage ?? usages[i];
                }
            }).ToArray();
            await Task.WhenAll(tasks);
            var after = Memory.WorkingSet();
            var cells = usages.Select(u => u.PromptTokens - u.CachedPromptTokens + u.OutputTokens).ToArray();
            report.Row(
                "5 memory",
                $"{sessions} concurrent session(s), {outputTokens} output tokens each",
                $"Δ resident after GC {Memory.MiB(after - before)}; mid-flight (no GC) {Memory.MiB(peakDuring - before)}",
                $"{Memory.MiB((after - before) / sessions)} per session after GC",
                "",
                $"KV cells per session: median {Stats.Median(cells.Select(c => (double)c).ToArray())} (prompt beyond prefix {Stats.Median(usages.Select(u => (double)(u.PromptTokens - u.CachedPromptTokens)).ToArray())} + output {Stats.Median(usages.Select(u => (double)u.OutputTokens).ToArray())})");
        }

        var bytesPerCell = KvBytesPerCell(raw.Weights);
        report.Note($"KV bytes per cell (F16 K+V, from GGUF metadata): {bytesPerCell} B, so a session of ~100 cells needs ~{Report.F(bytesPerCell * 100 / 1024.0, "F0")} KiB of KV; the whole 8192-cell cache ({Memory.MiB((long)bytesPerCell * 8192)}) is allocated and cleared up front, so extra sessions add almost nothing resident.");
    }

    public async Task TimeToFirstTokenAsync()
    {
        var prompt = SingleTurn(0);
        var bare = raw.Tokenize(Question(0)).Length;
        var promptTokens = raw.Tokenize(prompt).Length;
        var ours = new List<double>();
        var forked = new List<double>();
        var naive = new List<double>();
        var noPrefix = new List<double>();
        var naiveReps = Math.Max(3, args.Reps / (args.Quick ? 1 : 2));

        // The shared engine runs without the cache of finished sequences (same work as the raw loop); row (a') shows
        // what that cache does for a repeated prompt, on an engine with the defaults.
        await using var cached = new UrialEngine(new UrialEngineOptions
        {
            ModelPath = args.ModelPath, CachedPrefix = _prompt.Text, ContextSize = 8192, BatchSize = 512, MaxConcurrentRequests = 16,
            Threads = args.Threads ?? Math.Max(1, Environment.ProcessorCount / 2),
        });
        var regenerated = new List<double>();

        // Warm-up of every variant (JIT, thread pools, first-touch of KV pages).
        await EngineFirstTokenAsync(cached, prompt);
        await EngineFirstTokenAsync(prompt);
        raw.TimeToFirstTokenForked(prompt);
        raw.TimeToFirstTokenFresh(prompt);
        raw.TimeToFirstTokenFresh(Question(0));

        for (var rep = 0; rep < args.Reps; rep++)
        {
            if (rep % 2 == 0)
            {
                ours.Add(await EngineFirstTokenAsync(prompt));
                forked.Add(raw.TimeToFirstTokenForked(prompt));
                regenerated.Add(await EngineFirstTokenAsync(cached, prompt));
            }
            else
            {
                forked.Add(raw.TimeToFirstTokenForked(prompt));
                ours.Add(await EngineFirstTokenAsync(prompt));
                regenerated.Add(await EngineFirstTokenAsync(cached, prompt));
            }

            noPrefix.Add(raw.TimeToFirstTokenFresh(Question(0)));
            if (rep < naiveReps)
            {
                naive.Add(raw.TimeToFirstTokenFresh(prompt));
            }
        }

        var tokenize = new List<double>();
        for (var rep = 0; rep < args.Reps; rep++)
        {
            var started = Stopwatch.GetTimestamp();
            _ = raw.Tokenize(prompt);
            tokenize.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        var ms = (List<double> s) => s.Select(x => x * 1000).ToArray();
        var oursRaw = Stats.PairedRatio(ours, forked);
        var naiveOurs = Stats.PairedRatio(naive, ours.Take(naive.Count).ToArray());
        report.Row("1 TTFT", $"(a) ours: UrialEngine.GenerateAsync, cached constant prefix ({promptTokens} prompt tokens, {promptTokens - engine.CachedPrefixTokenCount} beyond prefix)", Stats.Describe(ms(ours)) + " ms");
        var (ttftTarget, ttftVerdict) = Targets.AtMost(oursRaw, _targets.TtftOverRaw);
        report.Row("1 TTFT", "(b) raw BatchedExecutor: fork root, prompt remainder, infer, greedy sample", Stats.Describe(ms(forked)) + " ms", "ours/raw " + Report.F(oursRaw), ttftTarget, ttftVerdict);
        report.Row("1 TTFT", "(a') ours with the sequence cache: the same prompt again (a regenerated answer)", Stats.Describe(ms(regenerated)) + " ms", "regenerated/(a) " + Report.F(Stats.Median(regenerated) / Stats.Median(ours)));
        report.Row("1 TTFT", $"(c) naive: re-evaluate all {promptTokens} tokens in a fresh sequence ({naive.Count} reps)", Stats.Describe(ms(naive), "F0") + " ms", "naive/ours " + Report.F(naiveOurs, "F0"), "≥ 20", Report.Verdict(naiveOurs >= 20, naiveOurs, 20, atMost: false));
        report.Row("1 TTFT", $"part of (a) and (b): tokenizing the whole {promptTokens}-token prompt", Stats.Describe(tokenize) + " ms", "tokenize/ours " + Report.F(Stats.Median(tokenize) / Stats.Median(ms(ours))));
        report.Row("1 TTFT", $"(d) bare question, no URIAL prefix ({bare} tokens)", Stats.Describe(ms(noPrefix)) + " ms", "ours/bare " + Report.F(Stats.PairedRatio(ours, noPrefix)));
    }

    public async Task MultiTurnAsync()
    {
        // A fresh 8-turn conversation per repetition (its own questions, numbered so that turn 1 cannot reuse an earlier
        // repetition's cached turn beyond the header), through the chat client (greedy, 32 output
        // tokens per answer, the prompt's stop sequences), timing the first streamed text of turns 1, 4 and 8 as a
        // user sees it: each follow-up turn may fork the previous turn's cached sequence.
        // The engine defaults, sequence cache on (the shared engine runs with it off, for same-work comparisons).
        await using var client = UrialChatClient.FromModel(args.ModelPath, _prompt, o =>
        {
            o.ContextSize = 8192;
            o.MaxConcurrentRequests = 16;
            o.Threads = args.Threads ?? Math.Max(1, Environment.ProcessorCount / 2);
        });
        var options = new ChatOptions { MaxOutputTokens = 32, Temperature = 0f };
        int[] turns = [1, 4, 8];
        var samples = turns.ToDictionary(t => t, _ => new List<double>());
        var evaluated = turns.ToDictionary(t => t, _ => new List<double>());
        var rawTurn8 = new List<double>();
        var prompts = new string[9];
        for (var rep = -1; rep < args.Reps; rep++) // rep -1 warms up
        {
            var history = new List<ChatMessage>();
            for (var turn = 1; turn <= 8; turn++)
            {
                history.Add(new ChatMessage(ChatRole.User, Work.UniqueQuestion(((rep + 1) * 8) + turn)));
                prompts[turn] = _prompt.Render(history);
                var started = Stopwatch.GetTimestamp();
                var first = 0.0;
                var answer = new System.Text.StringBuilder();
                UsageDetails? usage = null;
                await foreach (var update in client.GetStreamingResponseAsync(history, options))
                {
                    if (first == 0.0 && update.Text.Length > 0)
                    {
                        first = Stopwatch.GetElapsedTime(started).TotalSeconds;
                    }

                    answer.Append(update.Text);
                    usage = update.Contents.OfType<UsageContent>().FirstOrDefault()?.Details ?? usage;
                }

                if (rep >= 0 && samples.TryGetValue(turn, out var list))
                {
                    list.Add(first);
                    evaluated[turn].Add((usage?.InputTokenCount ?? 0) - (usage?.CachedInputTokenCount ?? 0));
                }

                history.Add(new ChatMessage(ChatRole.Assistant, answer.ToString()));
            }

            if (rep >= 0)
            {
                rawTurn8.Add(raw.TimeToFirstTokenForked(prompts[8]));
            }
        }

        foreach (var t in turns)
        {
            var beyond = raw.Tokenize(prompts[t]).Length - raw.PrefixTokens.Length;
            var ratio = Stats.PairedRatio(samples[t], samples[1]);
            report.Row(
                "2 multi-turn",
                $"turn {t} TTFT, fresh conversation per rep ({beyond} tokens beyond the constant prefix in the last one; evaluated, not cached: median {Stats.Median(evaluated[t])})",
                Stats.Describe(samples[t].Select(x => x * 1000).ToArray()) + " ms",
                t == 1 ? string.Empty : $"turn{t}/turn1 {Report.F(ratio)}",
                t == 8 ? Targets.AtMost(ratio, _targets.Turn8OverTurn1).Target : string.Empty,
                t == 8 ? Targets.AtMost(ratio, _targets.Turn8OverTurn1).Verdict : string.Empty);
        }

        report.Row("2 multi-turn", "turn 8, raw fork of the constant prefix, re-evaluating the whole history (what the engine did before its sequence cache)", Stats.Describe(rawTurn8.Select(x => x * 1000).ToArray()) + " ms", "ours/raw " + Report.F(Stats.PairedRatio(samples[8], rawTurn8)));
    }

    public async Task ConcurrencyAsync()
    {
        var outputTokens = args.Quick ? 32 : 64;
        var reps = Math.Max(3, args.Reps / 4);
        int[] levels = [1, 4, 8, 16];
        var sequential = levels.ToDictionary(c => c, _ => new List<double>());
        var parallel = levels.ToDictionary(c => c, _ => new List<double>());
        var tokenTotals = new Dictionary<int, (int Sequential, int Parallel)>();
        await RunRequestsAsync(4, outputTokens, concurrent: true);
        for (var rep = 0; rep < reps; rep++)
        {
            foreach (var c in levels)
            {
                // Alternate which goes first so that neither always follows the other.
                (int Tokens, double Seconds) s, p;
                if (rep % 2 == 0)
                {
                    s = await RunRequestsAsync(c, outputTokens, concurrent: false);
                    p = await RunRequestsAsync(c, outputTokens, concurrent: true);
                }
                else
                {
                    p = await RunRequestsAsync(c, outputTokens, concurrent: true);
                    s = await RunRequestsAsync(c, outputTokens, concurrent: false);
                }

                sequential[c].Add(s.Tokens / s.Seconds);
                parallel[c].Add(p.Tokens / p.Seconds);
                tokenTotals[c] = (s.Tokens, p.Tokens);
            }
        }

        // Diagnostic: the same c=8 comparison on an engine with no cached prefix and bare questions, so that
        // attention spans a few hundred cells instead of the ~2.8k-cell prefix.
        var bareSequential = new List<double>();
        var bareParallel = new List<double>();
        await using (var bareEngine = new UrialEngine(new UrialEngineOptions { ModelPath = args.ModelPath, ContextSize = 4096, BatchSize = 512, MaxConcurrentRequests = 16, Threads = args.Threads ?? Math.Max(1, Environment.ProcessorCount / 2) }))
        {
            await bareEngine.WarmUpAsync();
            await RunRequestsAsync(bareEngine, 8, outputTokens, concurrent: true, bare: true);

            // The bare question's first token on an empty cache vs in the raw executor, whose unified cache holds the
            // prefix: the same tokens, but there attention spans the 2.7k masked prefix cells too.
            var emptyCache = new List<double>();
            var besidePrefix = new List<double>();
            await EngineFirstTokenAsync(bareEngine, Question(0));
            for (var rep = 0; rep < args.Reps; rep++)
            {
                emptyCache.Add(await EngineFirstTokenAsync(bareEngine, Question(0)) * 1000);
                besidePrefix.Add(raw.TimeToFirstTokenFresh(Question(0)) * 1000);
            }

            report.Row(
                "1 TTFT",
                "diagnostic: bare question on an engine with an empty cache vs (d), which shares a cache holding the prefix",
                $"{Stats.Describe(emptyCache)} vs {Stats.Describe(besidePrefix)} ms",
                $"(d)/empty {Report.F(Stats.PairedRatio(besidePrefix, emptyCache))}");
            for (var rep = 0; rep < reps; rep++)
            {
                var s = await RunRequestsAsync(bareEngine, 8, outputTokens, concurrent: rep % 2 == 1, bare: true);
                var p = await RunRequestsAsync(bareEngine, 8, outputTokens, concurrent: rep % 2 == 0, bare: true);
                (s, p) = rep % 2 == 0 ? (s, p) : (p, s);
                bareSequential.Add(s.Tokens / s.Seconds);
                bareParallel.Add(p.Tokens / p.Seconds);
            }
        }

        foreach (var c in levels)
        {
            var ratio = Stats.PairedRatio(parallel[c], sequential[c]);
            double? bar = c == 8 ? _targets.Concurrent8 : c == 16 ? _targets.Concurrent16 : null;
            report.Row(
                "3 concurrency",
                $"c={c}: {c} requests × ≤{outputTokens} tokens together vs one after another ({tokenTotals[c].Parallel}/{tokenTotals[c].Sequential} tokens; {reps} reps)",
                $"{Stats.Describe(parallel[c], "F0")} vs {Stats.Describe(sequential[c], "F0")} tok/s",
                $"concurrent/sequential {Report.F(ratio)}",
                bar is { } b ? Targets.AtLeast(ratio, b).Target : string.Empty,
                bar is { } v ? Targets.AtLeast(ratio, v).Verdict : string.Empty);
        }

        report.Row(
            "3 concurrency",
            $"diagnostic: c=8 on an engine with no cached prefix, bare questions (~20 prompt tokens)",
            $"{Stats.Describe(bareParallel, "F0")} vs {Stats.Describe(bareSequential, "F0")} tok/s",
            $"concurrent/sequential {Report.F(Stats.PairedRatio(bareParallel, bareSequential))}");
    }

    public async Task OverheadAsync()
    {
        var maxTokens = args.Quick ? 64 : 128;
        var history = new ChatHistory();
        history.AddUserMessage(Question(2));
        var settings = new UrialPromptExecutionSettings { MaxTokens = maxTokens, Temperature = 0f, RepeatPenalty = 1f };
        var prompt = _prompt.Render([new ChatMessage(ChatRole.User, Question(2))]);

        var (skTokens, _) = await SemanticKernelAsync(history, settings);
        var (rawTokens, _, _) = raw.Generate(prompt, skTokens);
        var sk = new List<double>();
        var direct = new List<double>();
        var baseline = new List<double>();
        var baselineDecode = new List<double>();
        var mismatches = 0;
        await EngineGenerateAsync(prompt, skTokens);
        for (var rep = 0; rep < args.Reps; rep++)
        {
            // Rotate the order each repetition so that no variant always runs right after another.
            (int Tokens, double Seconds) k = default, e = default;
            (int Tokens, double Seconds, double DecodeSeconds) r = default;
            for (var slot = 0; slot < 3; slot++)
            {
                switch ((slot + rep) % 3)
                {
                    case 0: k = await SemanticKernelAsync(history, settings); break;
                    case 1: e = await EngineGenerateAsync(prompt, skTokens); break;
                    default: r = raw.Generate(prompt, skTokens); break;
                }
            }

            var (n, seconds) = k;
            mismatches += n == r.Tokens && e.Tokens == r.Tokens ? 0 : 1;
            sk.Add(n / seconds);
            direct.Add(e.Tokens / e.Seconds);
            baseline.Add(r.Tokens / r.Seconds);
            baselineDecode.Add((r.Tokens - 1) / r.DecodeSeconds);
        }

        var ratio = Stats.PairedRatio(sk, baseline);
        report.Row(
            "4 overhead",
            $"SK IChatCompletionService (AddUrialChatCompletion pipeline) vs raw loop, {skTokens} tokens (raw: {rawTokens}; asked {maxTokens}; count mismatches {mismatches}/{args.Reps})",
            $"{Stats.Describe(sk, "F0")} vs {Stats.Describe(baseline, "F0")} tok/s",
            $"SK/raw {Report.F(ratio)}",
            Targets.AtLeast(ratio, _targets.PipelineOverRaw).Target,
            Targets.AtLeast(ratio, _targets.PipelineOverRaw).Verdict);
        report.Row("4 overhead", "UrialEngine.GenerateAsync directly (no chat client, no SK, no stop sequences), same prompt and tokens", Stats.Describe(direct, "F0") + " tok/s", $"engine/raw {Report.F(Stats.PairedRatio(direct, baseline))}; SK/engine {Report.F(Stats.PairedRatio(sk, direct))}");
        report.Row("4 overhead", "raw loop decode only (first token to last)", Stats.Describe(baselineDecode, "F0") + " tok/s");
        if (skTokens < maxTokens)
        {
            report.Note($"Overhead: the SK request stopped after {skTokens} of {maxTokens} tokens (end of generation or a URIAL stop sequence), so the raw loop was run for exactly that many tokens.");
        }
    }

    /// <summary>
    /// Raw TTFT and decode at Threads=1, Threads=2, and 1 decode thread with 2 batch threads (llama.cpp uses the batch
    /// count for batches of more than one token), interleaved in one process (three extra raw runners).
    /// </summary>
    public void Threads(int contextSize, int batchSize, int seqMax)
    {
        var prompt = SingleTurn(0);
        var tokens = args.Quick ? 64 : 128;
        using var one = new RawRunner(args.ModelPath, _prompt.Text, 1, contextSize, batchSize, seqMax);
        using var two = new RawRunner(args.ModelPath, _prompt.Text, 2, contextSize, batchSize, seqMax);
        using var split = new RawRunner(args.ModelPath, _prompt.Text, 1, contextSize, batchSize, seqMax, batchThreads: 2);
        RawRunner[] runners = [one, two, split];
        foreach (var r in runners)
        {
            r.TimeToFirstTokenForked(prompt);
            r.Generate(prompt, tokens);
        }

        var (ttft, decode) = Interleave(runners, prompt, tokens);

        report.Row("6 threads", "raw TTFT: Threads=1 vs Threads=2 vs Threads=1+BatchThreads=2", $"{Stats.Describe(ttft[0])} vs {Stats.Describe(ttft[1])} vs {Stats.Describe(ttft[2])} ms", $"T2/T1 {Report.F(Stats.PairedRatio(ttft[1], ttft[0]))}; split/T1 {Report.F(Stats.PairedRatio(ttft[2], ttft[0]))}");
        report.Row("6 threads", $"raw single-stream decode ({tokens} tokens): Threads=1 vs Threads=2 vs Threads=1+BatchThreads=2", $"{Stats.Describe(decode[0], "F0")} vs {Stats.Describe(decode[1], "F0")} vs {Stats.Describe(decode[2], "F0")} tok/s", $"T2/T1 {Report.F(Stats.PairedRatio(decode[1], decode[0]))}; split/T1 {Report.F(Stats.PairedRatio(decode[2], decode[0]))}");
    }

    /// <summary>
    /// The defaults the engine ships with, measured: flash attention off vs on (TTFT and decode, interleaved), and the
    /// prefix evaluation time at batch sizes 128, 256 and 512 (load + prefix, one runner each, repeated).
    /// </summary>
    public void Defaults(int contextSize, int batchSize, int seqMax)
    {
        var prompt = SingleTurn(0);
        var tokens = args.Quick ? 64 : 128;
        var threads = args.Threads ?? Math.Max(1, Environment.ProcessorCount / 2);
        using var off = new RawRunner(args.ModelPath, _prompt.Text, threads, contextSize, batchSize, seqMax, Environment.ProcessorCount);
        using var on = new RawRunner(args.ModelPath, _prompt.Text, threads, contextSize, batchSize, seqMax, Environment.ProcessorCount, flashAttention: true);
        RawRunner[] runners = [off, on];
        var (ttft, decode) = Interleave(runners, prompt, tokens);

        report.Row("7 defaults", "raw TTFT: flash attention off vs on", $"{Stats.Describe(ttft[0])} vs {Stats.Describe(ttft[1])} ms", $"on/off {Report.F(Stats.PairedRatio(ttft[1], ttft[0]))}");
        report.Row("7 defaults", $"raw decode ({tokens} tokens): flash attention off vs on", $"{Stats.Describe(decode[0], "F0")} vs {Stats.Describe(decode[1], "F0")} tok/s", $"on/off {Report.F(Stats.PairedRatio(decode[1], decode[0]))}");

        int[] sizes = [128, 256, 512];
        var load = sizes.Select(_ => new List<double>()).ToArray();
        for (var rep = 0; rep < Math.Max(3, args.Reps / 4); rep++)
        {
            for (var i = 0; i < sizes.Length; i++)
            {
                var k = (i + rep) % sizes.Length;
                using var runner = new RawRunner(args.ModelPath, _prompt.Text, threads, contextSize, sizes[k], seqMax, Environment.ProcessorCount);
                load[k].Add(runner.LoadSeconds * 1000);
            }
        }

        report.Row("7 defaults", "model load + prefix evaluation: BatchSize 128 vs 256 vs 512", $"{Stats.Describe(load[0], "F0")} vs {Stats.Describe(load[1], "F0")} vs {Stats.Describe(load[2], "F0")} ms", $"512/128 {Report.F(Stats.PairedRatio(load[2], load[0]))}; 512/256 {Report.F(Stats.PairedRatio(load[2], load[1]))}");
    }

    /// <summary>Runs TTFT and decode on each raw runner per repetition, rotating which goes first.</summary>
    private (List<double>[] TtftMs, List<double>[] DecodeTokensPerSecond) Interleave(RawRunner[] runners, string prompt, int tokens)
    {
        var ttft = runners.Select(_ => new List<double>()).ToArray();
        var decode = runners.Select(_ => new List<double>()).ToArray();
        for (var rep = 0; rep < args.Reps; rep++)
        {
            for (var i = 0; i < runners.Length; i++)
            {
                var k = (i + rep) % runners.Length;
                ttft[k].Add(runners[k].TimeToFirstTokenForked(prompt) * 1000);
                var g = runners[k].Generate(prompt, tokens);
                decode[k].Add((g.Tokens - 1) / g.DecodeSeconds);
            }
        }

        return (ttft, decode);
    }

    private static int KvBytesPerCell(LLamaWeights weights)
    {
        var meta = weights.Metadata;
        int Get(string key, int fallback) => meta.TryGetValue(key, out var v) && int.TryParse(v, out var parsed) ? parsed : fallback;
        var arch = meta.TryGetValue("general.architecture", out var a) ? a : "llama";
        var layers = Get($"{arch}.block_count", 0);
        var embd = Get($"{arch}.embedding_length", 0);
        var heads = Get($"{arch}.attention.head_count", 1);
        var kvHeads = Get($"{arch}.attention.head_count_kv", heads);
        return 2 * layers * (embd / heads) * kvHeads * sizeof(short);
    }

    private Task<double> EngineFirstTokenAsync(string prompt) => Work.FirstTokenAsync(engine, prompt);

    private static Task<double> EngineFirstTokenAsync(UrialEngine target, string prompt) => Work.FirstTokenAsync(target, prompt);

    private async Task<(int Tokens, double Seconds)> EngineGenerateAsync(string prompt, int maxTokens)
    {
        var started = Stopwatch.GetTimestamp();
        var tokens = 0;
        await foreach (var update in engine.GenerateAsync(new GenerationRequest(prompt) { MaxOutputTokens = maxTokens, Sampling = Work.Greedy }))
        {
            tokens = update.Usage?.OutputTokens ?? tokens;
        }

        return (tokens, Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    private Task<(int Tokens, double Seconds)> RunRequestsAsync(int count, int outputTokens, bool concurrent) =>
        Work.RunAsync(engine, count, outputTokens, concurrent);

    private static Task<(int Tokens, double Seconds)> RunRequestsAsync(UrialEngine target, int count, int outputTokens, bool concurrent, bool bare) =>
        Work.RunAsync(target, count, outputTokens, concurrent, bare);

    private async Task<(int Tokens, double Seconds)> SemanticKernelAsync(ChatHistory history, PromptExecutionSettings settings)
    {
        var started = Stopwatch.GetTimestamp();
        var messages = await chatService.GetChatMessageContentsAsync(history, settings);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        return (OutputTokens(messages[0]), seconds);
    }

    private static int OutputTokens(ChatMessageContent message)
    {
        if (message.InnerContent is ChatResponse { Usage.OutputTokenCount: { } fromResponse })
        {
            return (int)fromResponse;
        }

        if (message.Metadata is { } metadata)
        {
            foreach (var value in metadata.Values)
            {
                if (value is UsageDetails { OutputTokenCount: { } fromMetadata })
                {
                    return (int)fromMetadata;
                }
            }
        }

        throw new InvalidOperationException($"No usage in the SK response (inner content {message.InnerContent?.GetType().Name ?? "null"}, metadata keys {string.Join(", ", message.Metadata?.Keys ?? [])}).");
    }
}
