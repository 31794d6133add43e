using System.Globalization;

namespace Urial.AgentConsole;

/// <summary>The command line, parsed by hand: five options do not justify a parsing library.</summary>
internal sealed record ConsoleOptions
{
    /// <summary>The usage text shown by <c>--help</c> and after a bad option.</summary>
    public const string Usage = """
        Usage: Urial.AgentConsole [options]
          --model <path>        GGUF base model (default: URIAL_MODEL, shared/models/stories260K.gguf, the user cache, or a download)
          --server <url>        use a serving engine instead of a local model: llama-server, vLLM or any OpenAI-compatible
                                completions server (e.g. http://localhost:8080, http://vllm:8000/v1); API key from URIAL_API_KEY
          --prompt <default|path>  URIAL prompt: the built-in one or a file (default: default)
          --ask "<question>"    answer one question on stdout and exit
          --agent               run the tools through an Agent Framework ChatClientAgent instead of the Semantic Kernel kernel
          --max-tokens <n>      most tokens per answer (default: 256)
          --help                show this text
        """;

    public string? ModelPath { get; init; }

    public Uri? Server { get; init; }

    public string Prompt { get; init; } = "default";

    public string? Ask { get; init; }

    public bool UseAgent { get; init; }

    public int MaxTokens { get; init; } = 256;

    public bool ShowHelp { get; init; }

    /// <summary>Parses the arguments.</summary>
    /// <param name="args">The command-line arguments.</param>
    /// <returns>The options.</returns>
    /// <exception cref="AgentConsoleException">An option is unknown, lacks its value, or has an invalid one.</exception>
    public static ConsoleOptions Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var options = new ConsoleOptions();
        for (var i = 0; i < args.Count; i++)
        {
            options = args[i] switch
            {
                "--model" => options with { ModelPath = Value(args, ref i) },
                "--server" => options with { Server = HttpUri(args, ref i) },
                "--prompt" => options with { Prompt = Value(args, ref i) },
                "--ask" => options with { Ask = Value(args, ref i) },
                "--agent" => options with { UseAgent = true },
                "--max-tokens" => options with { MaxTokens = PositiveInt(args, ref i) },
                "--help" or "-h" or "-?" => options with { ShowHelp = true },
                var other => throw new AgentConsoleException($"Unknown option '{other}'.\n{Usage}"),
            };
        }

        return options;
    }

    private static string Value(IReadOnlyList<string> args, ref int i)
    {
        var name = args[i];
        if (++i >= args.Count || string.IsNullOrWhiteSpace(args[i]))
        {
            throw new AgentConsoleException($"Option '{name}' needs a value.\n{Usage}");
        }

        return args[i];
    }

    private static Uri HttpUri(IReadOnlyList<string> args, ref int i)
    {
        var name = args[i];
        var text = Value(args, ref i);
        return Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri
            : throw new AgentConsoleException($"Option '{name}' needs an http or https address, not '{text}'.");
    }

    private static int PositiveInt(IReadOnlyList<string> args, ref int i)
    {
        var name = args[i];
        var text = Value(args, ref i);
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new AgentConsoleException($"Option '{name}' needs a positive whole number, not '{text}'.");
    }
}
