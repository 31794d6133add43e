using Urial.SemanticKernel;

namespace Urial.Benchmarks;

/// <summary>
/// <c>--peer llama-server</c>: the same work on this engine and on llama.cpp's own server (one slot, and eight
/// slots), same model, same thread counts, interleaved in one run. Every server slot is warmed with the URIAL
/// prompt first, so both sides serve the constant prefix from cache.
/// </summary>
internal sealed class Peer(BenchArgs args, UrialEngine engine, Report report, int threads, int batchThreads, int batchSize)
{
    /// <summary>Each server slot's context: the model's trained context, room for the prefix and a request.</summary>
    private const int ContextPerSlot = 4096;

    public async Task RunAsync()
    {
        using var one = await LlamaServer.StartAsync(args.ModelPath, 1, threads, batchThreads, ContextPerSlot, batchSize);
        using var eight = await LlamaServer.StartAsync(args.ModelPath, 8, threads, batchThreads, ContextPerSlot, batchSize);
        report.Note(
            $"Peer: llama-server {one.BuildInfo} (`-t {threads} -tb {batchThreads} -b {batchSize} -ub {batchSize} -c {ContextPerSlot}×slots`, /completion, " +
            $"temperature 0 with only the temperature sampler, repeat_penalty 1, ignore_eos, cache_prompt) vs this engine on LLamaSharp " +
            $"{typeof(LLama.LLamaWeights).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false).OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion} (Threads {threads}, BatchThreads {batchThreads}).");

        var outputTokens = args.Quick ? 32 : 64;
        var reps = Math.Max(3, args.Reps / 4);
        await WarmAsync(one);
        await WarmAsync(eight);
        await Work.RunAsync(engine, 8, outputTokens, concurrent: true);

        // llama-server's slot keeps its last prompt, so a new question reuses the previous one's turn header too. The
        // engine's own counterpart is its sequence cache (on by default, off in the benchmark's main engine): measured too.
        await using var cached = new UrialEngine(new UrialEngineOptions
        {
            ModelPath = args.ModelPath, CachedPrefix = UrialPrompt.Default.Text, ContextSize = engine.ContextSize, Threads = threads, BatchThreads = batchThreads, BatchSize = batchSize,
        });
        await cached.WarmUpAsync();
        await Work.FirstTokenAsync(cached, Work.SingleTurn(100));

        var ttft = new Series("ours", "np 1", "np 8", "ours with its sequence cache");
        var single = new Series("ours", "np 1", "np 8");
        var together = new Series("ours", "np 8");
        for (var rep = 0; rep < reps * 2; rep++)
        {
            var prompt = Work.SingleTurn(rep);
            var ourFirst = rep % 2 == 0;
            await ttft.MeasureAsync(rep, async () => await Work.FirstTokenAsync(engine, prompt), () => FirstTokenAsync(one, prompt), () => FirstTokenAsync(eight, prompt), async () => await Work.FirstTokenAsync(cached, prompt));
            if (rep % 2 == 1)
            {
                continue; // the throughput runs are longer: half as many repetitions
            }

            await single.MeasureAsync(rep / 2, () => Rate(Work.RunAsync(engine, 1, outputTokens, concurrent: false, first: rep)), () => ServerRate(one, 1, outputTokens, rep), () => ServerRate(eight, 1, outputTokens, rep));
            await together.MeasureAsync(rep / 2, () => Rate(Work.RunAsync(engine, 8, outputTokens, concurrent: true, first: rep)), () => ServerRate(eight, 8, outputTokens, rep));
        }

        var ttftRatio = Stats.PairedRatio(ttft[0], ttft[1]);
        var (ttftTarget, ttftVerdict) = Targets.AtMost(ttftRatio, 1.1);
        var cachedRatio = Stats.PairedRatio(ttft[3], ttft[1]);
        var (cachedTarget, cachedVerdict) = Targets.AtMost(cachedRatio, 1.1);
        report.Row("11 peer", $"TTFT, cached prefix ({reps * 2} reps): ours vs llama-server -np 1 vs -np 8 vs ours with the sequence cache (the default)", ttft.Describe(1000, "F1") + " ms", $"ours/np1 {Report.F(ttftRatio)}", ttftTarget, ttftVerdict);
        report.Row("11 peer", "TTFT, cached prefix: the engine's defaults (sequence cache on, as llama-server's slot keeps its last prompt) vs -np 1", string.Empty, $"ours with cache/np1 {Report.F(cachedRatio)}", cachedTarget, cachedVerdict);
        report.Row("11 peer", $"one stream × {outputTokens} tokens ({reps} reps): ours vs -np 1 vs -np 8", single.Describe(1, "F0") + " tok/s", $"ours/np1 {Report.F(Stats.PairedRatio(single[0], single[1]))}");
        var aggregate = Stats.PairedRatio(together[0], together[1]);
        var (aggregateTarget, aggregateVerdict) = Targets.AtLeast(aggregate, 1.5);
        var scaling = $"scaling c8/c1: ours {Report.F(Stats.PairedRatio(together[0], single[0]))}, np8 {Report.F(Stats.PairedRatio(together[1], single[2]))}";
        report.Row("11 peer", $"8 concurrent × {outputTokens} tokens ({reps} reps): ours vs -np 8", together.Describe(1, "F0") + " tok/s", $"ours/np8 {Report.F(aggregate)}; {scaling}", aggregateTarget, aggregateVerdict);
        await PrefillAsync(one, reps);
        report.Note($"Peer: prompt tokens llama-server evaluated per request (median [p25–p75]; the rest came from its slot caches): -np 1 {Stats.Describe(Evaluated(one), "F0")}, -np 8 {Stats.Describe(Evaluated(eight), "F0")}.");
    }

    /// <summary>
    /// A whole prompt with nothing cached: this engine without a cached prefix (time to first token, everything
    /// included) vs the server's own prompt-evaluation time (<c>cache_prompt: false</c>, which also empties its slot).
    /// </summary>
    private async Task PrefillAsync(LlamaServer server, int reps)
    {
        await using var bare = new UrialEngine(new UrialEngineOptions { ModelPath = args.ModelPath, ContextSize = 8192, BatchSize = batchSize, Threads = threads, BatchThreads = batchThreads, PrefixCacheSequences = 0 });
        await bare.WarmUpAsync();
        var tokens = await bare.CountTokensAsync(Work.SingleTurn(0));
        await Work.FirstTokenAsync(bare, Work.SingleTurn(0));
        await server.CompleteAsync(Work.SingleTurn(0), 1, cachePrompt: false);
        var prefill = new Series("ours", "np 1");
        for (var rep = 0; rep < reps; rep++)
        {
            var prompt = Work.SingleTurn(rep);
            await prefill.MeasureAsync(
                rep,
                async () => tokens / await Work.FirstTokenAsync(bare, prompt),
                async () =>
                {
                    var completion = await server.CompleteAsync(prompt, 1, cachePrompt: false);
                    return completion.PromptEvaluated / (completion.PromptMilliseconds / 1000);
                });
        }

        var ratio = Stats.PairedRatio(prefill[0], prefill[1]);
        var (target, verdict) = Targets.AtLeast(ratio, 0.95);
        var measurement = $"prefill of a whole {tokens}-token prompt, nothing cached ({reps} reps): ours (time to first token) vs -np 1's own prompt-evaluation timing";
        report.Row("11 peer", measurement, prefill.Describe(1, "F0") + " prompt tok/s", $"ours/np1 {Report.F(ratio)}", target, verdict);
    }

    /// <summary>Gets the prompt tokens each server evaluated per request (the rest came from its slot's cache): a cache miss would show here.</summary>
    private readonly Dictionary<LlamaServer, List<double>> _evaluated = [];

    private async Task<double> FirstTokenAsync(LlamaServer server, string prompt)
    {
        var completion = await server.CompleteAsync(prompt, 1);
        Evaluated(server).Add(completion.PromptEvaluated);
        return completion.Seconds;
    }

    private List<double> Evaluated(LlamaServer server) => _evaluated.TryGetValue(server, out var list) ? list : _evaluated[server] = [];

    /// <summary>Fills every slot with the URIAL prompt: as many requests at once as there are slots, twice.</summary>
    private static async Task WarmAsync(LlamaServer server)
    {
        for (var round = 0; round < 2; round++)
        {
            await Task.WhenAll(Enumerable.Range(0, server.Slots).Select(i => server.CompleteAsync(Work.SingleTurn(100 + i), 1, slot: i)));
        }
    }

    private static async Task<double> Rate(Task<(int Tokens, double Seconds)> run)
    {
        var (tokens, seconds) = await run;
        return tokens / seconds;
    }

    private async Task<double> ServerRate(LlamaServer server, int count, int outputTokens, int first)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var completions = await Task.WhenAll(Enumerable.Range(0, count).Select(i => server.CompleteAsync(Work.SingleTurn(first + i), outputTokens)));
        var seconds = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;
        if (completions.Any(c => c.Truncated))
        {
            throw new InvalidOperationException("llama-server truncated a prompt: raise its context per slot.");
        }

        Evaluated(server).AddRange(completions.Select(c => (double)c.PromptEvaluated));
        return completions.Sum(c => c.PredictedTokens) / seconds;
    }

    /// <summary>Named measurement series taken in a rotating order, so that no variant always runs right after another.</summary>
    private sealed class Series(params string[] names)
    {
        private readonly List<double>[] _values = names.Select(_ => new List<double>()).ToArray();

        public List<double> this[int index] => _values[index];

        public async Task MeasureAsync(int rep, params Func<Task<double>>[] variants)
        {
            for (var i = 0; i < variants.Length; i++)
            {
                var k = (i + rep) % variants.Length;
                _values[k].Add(await variants[k]());
            }
        }

        public string Describe(double scale, string format) =>
            string.Join(" vs ", _values.Select((v, i) => $"{names[i]} {Stats.Describe(v.Select(x => x * scale).ToArray(), format)}"));
    }
}
