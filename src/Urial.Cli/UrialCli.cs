using System.CommandLine;
using LLama.Exceptions;

namespace Urial.Cli;

/// <summary>The <c>urial</c> command line, callable in-process.</summary>
public static class UrialCli
{
    /// <summary>The exit code of a run cancelled by Ctrl+C (128 + SIGINT, as shells report it).</summary>
    public const int CancelledExitCode = 130;

    /// <summary>Runs one <c>urial</c> command.</summary>
    /// <param name="args">The command name followed by its options.</param>
    /// <param name="output">Where results and progress are written.</param>
    /// <param name="error">Where errors are written.</param>
    /// <param name="cancellationToken">Cancels the run (Ctrl+C); work finished so far stays in the <c>--out</c> folder.</param>
    /// <returns>0 on success, 1 on a runtime failure, 2 on a usage or input error, <see cref="CancelledExitCode"/> when cancelled.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        return RunAsync(args, new CliContext(output, error, TextReader.Null, interactive: false), cancellationToken);
    }

    internal static async Task<int> RunAsync(string[] args, CliContext context, CancellationToken cancellationToken)
    {
        var root = CreateRootCommand(context);
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            // Usage errors keep their own exit code (2) and one line each; the help of the command says what to give.
            foreach (var error in parsed.Errors)
            {
                await context.Error.WriteLineAsync($"urial: {error.Message}").ConfigureAwait(false);
            }

            var command = parsed.CommandResult.Command == root ? "urial" : $"urial {parsed.CommandResult.Command.Name}";
            await context.Error.WriteLineAsync($"Run '{command} --help' for its options.").ConfigureAwait(false);
            return 2;
        }

        try
        {
            var invocation = new InvocationConfiguration { Output = context.Output, Error = context.Error, EnableDefaultExceptionHandler = false };
            return await parsed.InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);
        }
        catch (CliException exception)
        {
            await context.Error.WriteLineAsync($"urial: {exception.Message}").ConfigureAwait(false);
            return 2;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await context.Error.WriteLineAsync("urial: cancelled; finished items are kept in the output folder and skipped when the command is run again.").ConfigureAwait(false);
            return CancelledExitCode;
        }
        catch (Exception exception) when (exception is FileNotFoundException or InvalidDataException or LoadWeightsFailedException or ArgumentException or NotSupportedException or HttpRequestException or System.Text.Json.JsonException or InvalidOperationException)
        {
            await context.Error.WriteLineAsync($"urial: {exception.Message}").ConfigureAwait(false);
            return 1;
        }
    }

    /// <summary>Builds the command tree: help for every command (<c>-h</c>, <c>--help</c>), response files (<c>@file</c>) and the <c>[suggest]</c> directive for tab completion come with it.</summary>
    internal static RootCommand CreateRootCommand(CliContext context) =>
        new("urial - URIAL in-context alignment for base GGUF models. See docs/research.md for the shift analysis and the evaluation rubric.")
        {
            ChatCommand.Create(context),
            RenderCommand.Create(context),
            ShiftCommand.Create(context),
            EvalCommand.Create(context),
        };
}
