using System.Diagnostics;

namespace Urial.Benchmarks;

/// <summary>
/// <c>--only profile</c>: a steady load to attach a profiler to — 8 concurrent streams × 64 tokens on the engine,
/// over and over, for <c>--reps</c> rounds; the CPU time per token of the whole process is reported beside it.
/// </summary>
/// <remarks>
/// <c>DOTNET_PerfMapEnabled=1 dotnet Urial.Benchmarks.dll --model synthetic:small --only profile --reps 40 &amp;</c>, then
/// <c>perf record -F 999 -e cpu-clock -g -p PID -- sleep 30</c> and <c>perf report --sort dso,sym</c>.
/// </remarks>
internal sealed class ProfileLoad(BenchArgs args, Urial.SemanticKernel.UrialEngine engine, Report report)
{
    public async Task RunAsync()
    {
        const int Streams = 8;
        const int OutputTokens = 64;
        Console.Error.WriteLine($"profile load: process {Environment.ProcessId}, {args.Reps} rounds of {Streams} streams × {OutputTokens} tokens");
        await Work.RunAsync(engine, Streams, OutputTokens, concurrent: true);
        using var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var started = Stopwatch.GetTimestamp();
        var tokens = 0;
        for (var round = 0; round < args.Reps; round++)
        {
            tokens += (await Work.RunAsync(engine, Streams, OutputTokens, concurrent: true, first: round * Streams)).Tokens;
        }

        process.Refresh();
        var cpu = (process.TotalProcessorTime - cpuBefore).TotalMilliseconds;
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        report.Row("13 profile", $"steady load: {args.Reps} rounds of {Streams} concurrent streams × {OutputTokens} tokens on the engine", $"{Report.F(tokens / seconds, "F0")} tok/s", $"CPU {Report.F(cpu / tokens)} ms/token");
    }
}
