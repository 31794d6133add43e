namespace Urial.Testing;

/// <summary>
/// The one wall-clock limit a test may set: a guard against a hang, far beyond any normal run even on a loaded machine,
/// that fails with a message naming what hung. It never decides a normal pass; tests wait on observable state instead.
/// </summary>
internal static class HangGuard
{
    /// <summary>Gets how long one awaited operation may take before the test reports it as hung.</summary>
    public static TimeSpan Limit { get; } = TimeSpan.FromMinutes(5);

    /// <summary>Waits for <paramref name="task"/>; fails with a message naming <paramref name="what"/> if it hangs.</summary>
    public static async Task FailIfHung(this Task task, string what)
    {
        try
        {
            await task.WaitAsync(Limit, TestContext.Current.CancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException hang) when (!task.IsCompleted)
        {
            throw new TimeoutException($"Hung: {what} did not finish within {Limit.TotalMinutes:0} minutes.", hang);
        }
    }

    /// <summary>Waits for <paramref name="task"/>; fails with a message naming <paramref name="what"/> if it hangs.</summary>
    public static async Task<T> FailIfHung<T>(this Task<T> task, string what)
    {
        await ((Task)task).FailIfHung(what).ConfigureAwait(false);
        return await task.ConfigureAwait(false);
    }

    /// <summary>Waits for <paramref name="task"/>; fails with a message naming <paramref name="what"/> if it hangs.</summary>
    public static Task<T> FailIfHung<T>(this ValueTask<T> task, string what) => task.AsTask().FailIfHung(what);

    /// <summary>Waits for <paramref name="task"/>; fails with a message naming <paramref name="what"/> if it hangs.</summary>
    public static Task FailIfHung(this ValueTask task, string what) => task.AsTask().FailIfHung(what);
}
