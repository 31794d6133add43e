using System.Diagnostics;

namespace Urial.Benchmarks;

internal static class Memory
{
    /// <summary>The resident set after a full, compacting garbage collection.</summary>
    public static long WorkingSet()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        return process.WorkingSet64;
    }

    public static string MiB(long bytes) => Report.F(bytes / 1048576.0, "F1") + " MiB";
}
