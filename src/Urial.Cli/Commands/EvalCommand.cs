namespace Urial.Cli;

internal static class EvalCommand
{
    public static Task<int> RunAsync(Arguments options, CliContext context, CancellationToken cancellationToken) => throw new NotImplementedException();
}
