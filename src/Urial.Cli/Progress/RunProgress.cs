using System.Diagnostics;
using System.Globalization;
using Spectre.Console;

namespace Urial.Cli;

/// <summary>Shows progress with an estimated time left: a live bar on a terminal, a plain line per item on stderr otherwise.</summary>
internal static class RunProgress
{
    /// <summary>Runs <paramref name="work"/>, which calls the given action once per finished item.</summary>
    /// <param name="context">The command's context.</param>
    /// <param name="description">What is being done.</param>
    /// <param name="total">The number of items still to do in this run (already finished items are not counted).</param>
    /// <param name="work">The work; the ETA is the mean time per finished item times the items left.</param>
    public static async Task RunAsync(CliContext context, string description, int total, Func<Action<string>, Task> work)
    {
        if (total == 0)
        {
            await context.Error.WriteLineAsync($"{description}: nothing left to do (all items are in the cache).");
            return;
        }

        if (context.Interactive)
        {
            await context.Console.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .StartAsync(async progress =>
                {
                    var task = progress.AddTask(Markup.Escape(description), maxValue: total);
                    await work(_ => task.Increment(1));
                });
            return;
        }

        var clock = Stopwatch.StartNew();
        var done = 0;
        await work(item =>
        {
            done++;
            var eta = TimeSpan.FromTicks(clock.Elapsed.Ticks / done * (total - done));
            context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{description}: {done}/{total} ({item}), elapsed {clock.Elapsed:hh\\:mm\\:ss}, ETA {eta:hh\\:mm\\:ss}"));
        });
    }
}
