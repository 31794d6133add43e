using Spectre.Console;
using Urial.AgentConsole.Chat;
using Urial.AgentConsole.Models;
using Urial.AgentConsole.Plugins;
using Urial.SemanticKernel;

namespace Urial.AgentConsole;

/// <summary>An interactive agent console over an untuned base model aligned by URIAL, with clock, calculator and notes tools.</summary>
internal static class Program
{
    /// <summary>How long a model download may take before the console gives up: machines without network must fail fast.</summary>
    private static readonly TimeSpan s_downloadTimeout = TimeSpan.FromSeconds(20);

    public static async Task<int> Main(string[] args)
    {
        using var cancellation = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancellation.Cancel();
        };
        return await RunAsync(args, Console.Out, Console.Error, Console.In, Environment.GetEnvironmentVariable, cancellation.Token);
    }

    /// <summary>Runs the console with the process's environment and standard input.</summary>
    /// <param name="args">The command-line arguments.</param>
    /// <param name="stdout">Receives the answers (only the answer with <c>--ask</c>).</param>
    /// <param name="stderr">Receives errors and, with <c>--ask</c>, the loading display.</param>
    /// <returns>0 on success, 1 on any error.</returns>
    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr) =>
        RunAsync(args, stdout, stderr, Console.In, Environment.GetEnvironmentVariable, CancellationToken.None);

    /// <summary>Runs the console; tests pass their own environment instead of changing the process's.</summary>
    /// <param name="args">The command-line arguments.</param>
    /// <param name="stdout">Receives the answers (only the answer with <c>--ask</c>).</param>
    /// <param name="stderr">Receives errors and, with <c>--ask</c>, the loading display.</param>
    /// <param name="stdin">The user's lines in interactive mode.</param>
    /// <param name="getEnvironment">Reads an environment variable.</param>
    /// <param name="cancellationToken">Ctrl+C.</param>
    /// <returns>0 on success, 1 on any error, 130 when interrupted.</returns>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, TextReader stdin, Func<string, string?> getEnvironment, CancellationToken cancellationToken)
    {
        try
        {
            var options = ConsoleOptions.Parse(args);
            if (options.ShowHelp)
            {
                await stdout.WriteLineAsync(ConsoleOptions.Usage);
                return 0;
            }

            // With --ask, stdout carries the answer alone so it can be piped; progress goes to stderr.
            var ui = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(options.Ask is null ? stdout : stderr) });
            var prompt = LoadPrompt(options.Prompt);
            var notes = new NotesStore(NotesStore.DefaultPath(getEnvironment));
            string modelPath;
            AssistantHost host;
            if (options.Server is { } server)
            {
                modelPath = server.ToString();
                host = AssistantHost.CreateRemote(server, getEnvironment("URIAL_API_KEY"), prompt, notes);
            }
            else
            {
                var locator = new ModelLocator(getEnvironment, new ModelDownloader(ui, s_downloadTimeout));
                modelPath = await locator.LocateAsync(options.ModelPath, cancellationToken);
                host = AssistantHost.Create(modelPath, prompt, notes);
            }

            await using var owned = host;
            var loading = options.Server is null ? $"Loading {Path.GetFileName(modelPath)} and evaluating the URIAL prefix…" : $"Connecting to {modelPath}…";
            await ui.Status().StartAsync(Markup.Escape(loading), _ => host.WarmUpAsync(cancellationToken));
            var conversation = new Conversation(host.CreateAssistant(options.UseAgent, options.MaxTokens), host.Client);

            if (options.Ask is { } question)
            {
                await foreach (var text in conversation.AskAsync(question, cancellationToken))
                {
                    await stdout.WriteAsync(text);
                }

                await stdout.WriteLineAsync();
                await stdout.FlushAsync(cancellationToken);
                return 0;
            }

            Banner.Write(ui, host, conversation.Assistant, modelPath);
            await new ChatLoop(ui, stdin, conversation, host).RunAsync(cancellationToken);
            return 0;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 130;
        }
        catch (AgentConsoleException e)
        {
            await stderr.WriteLineAsync("error: " + e.Message);
            return 1;
        }
        catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException or FormatException or InvalidOperationException or UrialContextLengthExceededException or LLama.Exceptions.RuntimeError or Microsoft.Extensions.Options.OptionsValidationException or UrialRemoteEngineException)
        {
            // A model that fails to load or a prompt that does not parse: the message is useful, the stack trace is not.
            await stderr.WriteLineAsync($"error: {e.Message}");
            return 1;
        }
    }

    private static UrialPrompt LoadPrompt(string prompt)
    {
        if (string.Equals(prompt, "default", StringComparison.OrdinalIgnoreCase))
        {
            return UrialPrompt.Default;
        }

        return File.Exists(prompt)
            ? UrialPrompt.Load(prompt)
            : throw new AgentConsoleException($"Prompt file not found: '{Path.GetFullPath(prompt)}' (from --prompt).");
    }
}
