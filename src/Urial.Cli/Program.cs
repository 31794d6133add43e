using Urial.Cli;

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // The first Ctrl+C stops at the next token step and keeps finished work; a second one ends the process.
    if (!cancellation.IsCancellationRequested)
    {
        e.Cancel = true;
        cancellation.Cancel();
    }
};

var interactive = !Console.IsOutputRedirected;
return await UrialCli.RunAsync(args, new CliContext(Console.Out, Console.Error, Console.In, interactive), cancellation.Token);
