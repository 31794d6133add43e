using System.Diagnostics;
using LLama;
using LLama.Common;
using Urial.SemanticKernel;

namespace Urial.Benchmarks;

/// <summary>
/// Prompt evaluation: a whole URIAL prompt with nothing cached, on the engine and on the raw loop (both with an
/// empty KV cache), and the cached prefix restored from a state file vs evaluated at start-up.
/// </summary>
internal sealed class Prefill(BenchArgs args, Report report, int threads, int contextSize, int batchSize)
{
    public async Task RunAsync()
    {
        var reps = Math.Max(3, args.Reps / 2);
        await using var bare = NewEngine(prefix: null, stateDirectory: null);
        await bare.WarmUpAsync();
        using var raw = new RawRunner(args.ModelPath, string.Empty, threads, contextSize, batchSize, 4, Environment.ProcessorCount);
        var promptTokens = raw.Tokenize(Work.SingleTurn(0)).Length;
        await Work.FirstTokenAsync(bare, Work.SingleTurn(0));
        raw.TimeToFirstTokenFresh(Work.SingleTurn(0));
        var ours = new List<double>();
        var baseline = new List<double>();
        for (var rep = 0; rep < reps; rep++)
        {
            var prompt = Work.SingleTurn(rep);
            if (rep % 2 == 0)
            {
                ours.Add(promptTokens / await Work.FirstTokenAsync(bare, prompt));
                baseline.Add(promptTokens / raw.TimeToFirstTokenFresh(prompt));
            }
            else
            {
                baseline.Add(promptTokens / raw.TimeToFirstTokenFresh(prompt));
                ours.Add(promptTokens / await Work.FirstTokenAsync(bare, prompt));
            }
        }

        var ratio = Stats.PairedRatio(ours, baseline);
        var (target, verdict) = Targets.AtLeast(ratio, 0.95);
        var measurement = $"whole prompt ({promptTokens} tokens, nothing cached) to first token: engine without a cached prefix vs raw loop on an empty cache ({reps} reps)";
        report.Row("12 prefill", measurement, $"{Stats.Describe(ours, "F0")} vs {Stats.Describe(baseline, "F0")} prompt tok/s", $"engine/raw {Report.F(ratio)}", target, verdict);
        await RestoreAsync(reps);
    }

    /// <summary>Start-up with the prefix evaluated (and saved) vs restored from that file; the weights' own load time measured alone and shown beside.</summary>
    private async Task RestoreAsync(int reps)
    {
        var evaluate = new List<double>();
        var restore = new List<double>();
        var weightsOnly = new List<double>();
        var restoredEvery = true;
        for (var rep = 0; rep < reps; rep++)
        {
            var directory = Directory.CreateTempSubdirectory("urial-bench-prefix-");
            try
            {
                evaluate.Add(await WarmUpSecondsAsync(directory.FullName, expectRestored: false));
                var (seconds, restored) = await WarmUpAsync(directory.FullName);
                restore.Add(seconds);
                restoredEvery &= restored;
                weightsOnly.Add(LoadWeightsSeconds());
            }
            finally
            {
                directory.Delete(recursive: true);
            }
        }

        var ratio = Stats.PairedRatio(
            evaluate.Zip(weightsOnly, (e, w) => e - w).ToArray(),
            restore.Zip(weightsOnly, (r, w) => Math.Max(r - w, 1e-4)).ToArray());
        report.Row(
            "12 prefill",
            $"engine start-up: prefix evaluated (and saved) vs restored from the state file vs loading the weights alone ({reps} reps; restored every time: {restoredEvery})",
            $"{Stats.Describe(evaluate.Select(s => s * 1000).ToArray(), "F0")} vs {Stats.Describe(restore.Select(s => s * 1000).ToArray(), "F0")} vs {Stats.Describe(weightsOnly.Select(s => s * 1000).ToArray(), "F0")} ms",
            $"(evaluate − weights)/(restore − weights) {Report.F(ratio, "F1")}",
            Targets.AtLeast(ratio, 10).Target,
            restoredEvery ? Targets.AtLeast(ratio, 10).Verdict : "MISSED (the file was not used)");
    }

    private async Task<double> WarmUpSecondsAsync(string directory, bool expectRestored)
    {
        var (seconds, restored) = await WarmUpAsync(directory);
        if (restored != expectRestored)
        {
            throw new InvalidOperationException($"The engine {(restored ? "restored" : "evaluated")} its prefix; expected the opposite.");
        }

        return seconds;
    }

    private async Task<(double Seconds, bool Restored)> WarmUpAsync(string directory)
    {
        var started = Stopwatch.GetTimestamp();
        await using var engine = NewEngine(UrialPrompt.Default.Text, directory);
        await engine.WarmUpAsync();
        return (Stopwatch.GetElapsedTime(started).TotalSeconds, engine.PrefixRestoredFromFile);
    }

    private double LoadWeightsSeconds()
    {
        var started = Stopwatch.GetTimestamp();
        using var weights = LLamaWeights.LoadFromFile(new ModelParams(args.ModelPath) { GpuLayerCount = 0, ContextSize = (uint)contextSize });
        return Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    private UrialEngine NewEngine(string? prefix, string? stateDirectory) => new(new UrialEngineOptions
    {
        ModelPath = args.ModelPath,
        CachedPrefix = prefix,
        PrefixStateDirectory = stateDirectory,
        ContextSize = contextSize,
        BatchSize = batchSize,
        Threads = threads,
        PrefixCacheSequences = 0,
    });
}
