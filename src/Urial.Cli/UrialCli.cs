using LLama.Exceptions;

namespace Urial.Cli;

/// <summary>The <c>urial</c> command line, callable in-process.</summary>
public static class UrialCli
{
    /// <summary>The exit code of a run cancelled by Ctrl+C (128 + SIGINT, as shells report it).</summary>
    public const int CancelledExitCode = 130;

    private const string Usage = """
        urial - URIAL in-context alignment for base GGUF models

        Commands:
          urial chat   --model m.gguf [--prompt p.txt] [--max-tokens N]
          urial render --conversation c.json [--prompt p.txt]
          urial shift  --base base.gguf (--aligned chat.gguf | --answers data.json) --data instructions.json
                       [--limit N] [--with-urial | --without-urial | --both] [--out dir]
                       [--max-answer-tokens N] [--aligned-prompting chat-template|same] [--prompt p.txt]
          urial eval   --data instructions.json --model m.gguf --judge <http(s)://base-url | judge.gguf>
                       [--compare m2.gguf] [--limit N] [--out dir] [--max-tokens N] [--prompt p.txt]
                       [--judge-model name] [--judge-max-tokens N] [--rationale-chars N]

        Model loading (every command that loads a model):
          [--context N (8192)] [--batch N (512)] [--threads N] [--gpu-layers N (0; -1 = all, needs a GPU backend)]

        See docs/research.md for the shift analysis and the evaluation rubric.
        """;

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
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            await context.Output.WriteLineAsync(Usage).ConfigureAwait(false);
            return args.Length == 0 ? 2 : 0;
        }

        try
        {
            var options = Arguments.Parse(args[1..], Flags);
            return args[0] switch
            {
                "chat" => await ChatCommand.RunAsync(options, context, cancellationToken),
                "render" => await RenderCommand.RunAsync(options, context),
                "shift" => await ShiftCommand.RunAsync(options, context, cancellationToken),
                "eval" => await EvalCommand.RunAsync(options, context, cancellationToken),
                _ => throw new CliException($"Unknown command '{args[0]}'; run 'urial --help'."),
            };
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

    private static readonly HashSet<string> Flags = new(StringComparer.Ordinal) { "with-urial", "without-urial", "both" };
}
