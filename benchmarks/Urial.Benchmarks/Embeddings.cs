using System.Diagnostics;
using LLama;
using LLama.Common;
using LLama.Native;
using Urial.SemanticKernel;

namespace Urial.Benchmarks;

/// <summary>Section 9: embeddings over the chat engine's weights, against LLamaSharp's own embedder (a fresh context per text).</summary>
internal static class Embeddings
{
    public static async Task RunAsync(BenchArgs args, UrialEngine engine, Report report)
    {
        var generator = new UrialEmbeddingGenerator(engine);
        var texts = Enumerable.Range(0, 64).Select(i => $"Story {i}: the little cat and the dog played in the park until it was dark.").ToArray();
        using var weights = LLamaWeights.LoadFromFile(new ModelParams(args.ModelPath) { GpuLayerCount = 0 });
        using var peer = new LLamaEmbedder(weights, new ModelParams(args.ModelPath)
        {
            Embeddings = true, PoolingType = LLamaPoolingType.Mean, ContextSize = 512, BatchSize = 512, UBatchSize = 512, GpuLayerCount = 0,
            Threads = args.Threads ?? Math.Max(1, Environment.ProcessorCount / 2), BatchThreads = Environment.ProcessorCount, // the engine's defaults
        });

        // Warm-up: the embedding context is made on first use.
        await generator.GenerateAsync(texts.Take(1));
        await peer.GetEmbeddings(texts[0]);

        var one = new List<double>();
        var peerOne = new List<double>();
        var batch = new List<double>();
        var oneByOne = new List<double>();
        var tokens = 0L;
        for (var rep = 0; rep < args.Reps; rep++)
        {
            var started = Stopwatch.GetTimestamp();
            await generator.GenerateAsync(texts.Take(1));
            one.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);

            started = Stopwatch.GetTimestamp();
            await peer.GetEmbeddings(texts[0]);
            peerOne.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);

            started = Stopwatch.GetTimestamp();
            var all = await generator.GenerateAsync(texts);
            batch.Add(Stopwatch.GetElapsedTime(started).TotalSeconds);
            tokens = all.Usage?.InputTokenCount ?? 0;

            started = Stopwatch.GetTimestamp();
            foreach (var text in texts)
            {
                await generator.GenerateAsync([text]);
            }

            oneByOne.Add(Stopwatch.GetElapsedTime(started).TotalSeconds);
        }

        var perText = tokens / (double)texts.Length;
        report.Row("9 embeddings", $"(a) one text ({perText:F0} tokens), UrialEmbeddingGenerator over the chat engine", Stats.Describe(one) + " ms",
            "ours/LLamaEmbedder " + Report.F(Stats.PairedRatio(one, peerOne)));
        report.Row("9 embeddings", "(b) the same text, LLamaSharp's LLamaEmbedder (a fresh context per call, mean pooling)", Stats.Describe(peerOne) + " ms");
        report.Row("9 embeddings", $"(c) {texts.Length} texts in one call (packed: up to 16 texts and 512 tokens per decode)", Stats.Describe(batch.Select(s => texts.Length / s).ToArray(), "F0") + " texts/s",
            Report.F(tokens / Stats.Median(batch), "F0") + " tokens/s; time one-by-one/packed " + Report.F(Stats.PairedRatio(oneByOne, batch)));
        report.Row("9 embeddings", $"(d) the same {texts.Length} texts, one call each", Stats.Describe(oneByOne.Select(s => texts.Length / s).ToArray(), "F0") + " texts/s");
    }
}
