using Microsoft.Extensions.AI;
using Urial.SemanticKernel;

namespace Urial.Benchmarks;

/// <summary>
/// What llama.cpp itself gives for batched decoding on this machine, without the engine: the raw batched loop at
/// 1, 8 and 16 streams under each thread setting (decode threads / batch threads) and attention kernel, interleaved.
/// Besides tokens per second it reports the process CPU time per token, which a loaded machine distorts far less.
/// </summary>
internal sealed class Batching(BenchArgs args, RawRunner raw, RawRunner flash, RawRunner empty, RawRunner? quantizedKeys, Report report)
{
    public void Run()
    {
        var outputTokens = args.Quick ? 32 : 64;
        var reps = Math.Max(3, args.Reps / 4);
        var cores = Environment.ProcessorCount;
        (string Name, RawRunner Runner, int Threads, int BatchThreads, bool Bare)[] variants =
        [
            ($"Threads=1 BatchThreads={cores}", raw, 1, cores, false),
            ("Threads=1 BatchThreads=1", raw, 1, 1, false),
            ($"Threads={cores} BatchThreads={cores}", raw, cores, cores, false),
            ($"flash attention, Threads=1 BatchThreads={cores}", flash, 1, cores, false),
            ("flash attention, Threads=1 BatchThreads=1", flash, 1, 1, false),
            ("no prefix in the cache, bare questions, Threads=1 BatchThreads=1", empty, 1, 1, true),
        ];
        if (quantizedKeys is not null)
        {
            variants = [.. variants, ("K cache Q8_0, Threads=1 BatchThreads=1", quantizedKeys, 1, 1, false)];
        }

        int[] levels = [1, 8, 16];
        var rates = variants.Select(_ => levels.ToDictionary(c => c, _ => new List<double>())).ToArray();
        var cpuPerToken = variants.Select(_ => levels.ToDictionary(c => c, _ => new List<double>())).ToArray();

        raw.GenerateConcurrent(Prompts(8), outputTokens);
        flash.GenerateConcurrent(Prompts(8), outputTokens);
        for (var rep = 0; rep < reps; rep++)
        {
            for (var k = 0; k < variants.Length; k++)
            {
                var v = (k + rep) % variants.Length;
                var (_, runner, threads, batchThreads, bare) = variants[v];
                runner.SetThreads(threads, batchThreads);
                foreach (var c in levels)
                {
                    var cpu = Cpu();
                    var (tokens, seconds) = runner.GenerateConcurrent(bare ? BareQuestions(c) : Prompts(c), outputTokens);
                    rates[v][c].Add(tokens / seconds);
                    cpuPerToken[v][c].Add((Cpu() - cpu) / tokens);
                }
            }
        }

        raw.SetThreads(1, cores);
        flash.SetThreads(1, cores);
        empty.SetThreads(1, cores);
        quantizedKeys?.SetThreads(1, cores);
        for (var v = 0; v < variants.Length; v++)
        {
            report.Row(
                "9 batching",
                $"raw batched loop, {variants[v].Name}: 1 vs 8 vs 16 streams × ≤{outputTokens} tokens ({reps} reps)",
                string.Join(" vs ", levels.Select(c => Stats.Describe(rates[v][c], "F0"))) + " tok/s",
                $"c8/c1 {Report.F(Stats.PairedRatio(rates[v][8], rates[v][1]))}; c16/c1 {Report.F(Stats.PairedRatio(rates[v][16], rates[v][1]))}",
                "CPU ms/token " + string.Join(" / ", levels.Select(c => Report.F(Stats.Median(cpuPerToken[v][c])))));
        }
    }

    private static double Cpu()
    {
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        return process.TotalProcessorTime.TotalMilliseconds;
    }

    private static string[] BareQuestions(int count) =>
        Enumerable.Range(0, count).Select(i => $"Question number {i}: how do rainbows form?").ToArray();

    private static string[] Prompts(int count) =>
        Enumerable.Range(0, count).Select(i => UrialPrompt.Default.Render([new ChatMessage(ChatRole.User, $"Question number {i}: how do rainbows form?")])).ToArray();
}
