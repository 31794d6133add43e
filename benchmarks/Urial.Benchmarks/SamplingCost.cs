using LLama.Native;
using Microsoft.Extensions.AI;
using Urial.SemanticKernel;

namespace Urial.Benchmarks;

/// <summary>The cost of one sampling call over the model's whole vocabulary, per sampler chain, next to a decode step.</summary>
internal sealed class SamplingCost(BenchArgs args, RawRunner raw, Report report)
{
    public void Run()
    {
        var prompt = UrialPrompt.Default.Render([new ChatMessage(ChatRole.User, "How do rainbows form?")]);
        var samples = args.Quick ? 200 : 1000;
        (string Name, Func<SafeLLamaSamplerChainHandle> Create)[] chains =
        [
            ("greedy", () => Chain(c => c.AddGreedySampler())),
            ("penalties (repeat 1.1, window 64) + greedy", () => Chain(c => { c.AddPenalties(64, 1.1f, 0f, 0f); c.AddGreedySampler(); })),
            ("top-k 40, top-p 0.9, min-p 0.1, temperature 0.75, dist", () => Chain(c => { c.AddTopK(40); c.AddTopP(0.9f, 1); c.AddMinP(0.1f, 1); c.AddTemperature(0.75f); c.AddDistributionSampler(7); })),
            ("temperature 0.75, dist (no truncation)", () => Chain(c => { c.AddTemperature(0.75f); c.AddDistributionSampler(7); })),
        ];
        var results = chains.Select(_ => new List<double>()).ToArray();
        for (var rep = 0; rep < Math.Max(3, args.Reps / 4); rep++)
        {
            for (var i = 0; i < chains.Length; i++)
            {
                var k = (i + rep) % chains.Length;
                results[k].Add(raw.SampleMicroseconds(prompt, chains[k].Create, samples));
            }
        }

        // The engine's path for its default sampling (greedy, repetition penalty 1.1 over 64 tokens), in managed code.
        var penalized = new SamplingParameters { RepetitionPenalty = 1.1f, PenaltyWindow = 64 };
        var managed = new List<double>();
        var managedGreedy = new List<double>();
        for (var rep = 0; rep < Math.Max(3, args.Reps / 4); rep++)
        {
            managed.Add(raw.ManagedSampleMicroseconds(prompt, (history, logits) =>
            {
                var span = logits();
                TokenPenalties.Apply(span, history, penalized);
                return GreedyChoice.Pick(span);
            }, samples));
            managedGreedy.Add(raw.ManagedSampleMicroseconds(prompt, (_, logits) => GreedyChoice.Pick(logits()), samples));
        }

        report.Row("10 sampling", "the engine's managed path: greedy (GreedyChoice over the logits in place)", Stats.Describe(managedGreedy, "F1") + " µs", $"llama.cpp greedy/managed {Report.F(Stats.Median(results[0]) / Stats.Median(managedGreedy), "F0")}");
        report.Row("10 sampling", "the engine's managed path: penalties (repeat 1.1, window 64) + greedy (TokenPenalties, GreedyChoice)", Stats.Describe(managed, "F1") + " µs", $"llama.cpp/managed {Report.F(Stats.Median(results[1]) / Stats.Median(managed), "F0")}");
        for (var i = 0; i < chains.Length; i++)
        {
            report.Row("10 sampling", $"one llama_sampler_sample over {raw.Weights.Vocab.Count} tokens: {chains[i].Name}", Stats.Describe(results[i], "F1") + " µs");
        }
    }

    private static SafeLLamaSamplerChainHandle Chain(Action<SafeLLamaSamplerChainHandle> add)
    {
        var chain = SafeLLamaSamplerChainHandle.Create(LLamaSamplerChainParams.Default());
        add(chain);
        return chain;
    }
}
