using System.Globalization;
using Spectre.Console;

namespace Urial.AgentConsole.Chat;

/// <summary>The interactive read–answer loop and its slash commands.</summary>
/// <param name="console">Where answers and tables are drawn.</param>
/// <param name="input">Where the user's lines come from; a plain reader so that piped input works too.</param>
/// <param name="conversation">The conversation.</param>
/// <param name="host">The host, for the cached-prefix figure.</param>
internal sealed class ChatLoop(IAnsiConsole console, TextReader input, Conversation conversation, AssistantHost host)
{
    public const string Help = """
        Type a message and press Enter. Commands:
          /reset   forget the conversation
          /prompt  show the exact prompt the model completed for the last answer
          /stats   turns, tokens in/out, time to first token and speed of the last answer
          /help    show this text
          /exit    quit (also Ctrl+D)
        """;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            console.Markup("[bold blue]you>[/] ");
            var line = await input.ReadLineAsync(cancellationToken);
            if (line is null)
            {
                return;
            }

            line = line.Trim();
            switch (line)
            {
                case "":
                    continue;
                case "/exit" or "/quit":
                    return;
                case "/help":
                    console.WriteLine(Help);
                    break;
                case "/reset":
                    await conversation.ResetAsync(cancellationToken);
                    console.MarkupLine("[grey]Conversation cleared.[/]");
                    break;
                case "/prompt":
                    console.Write(new Panel(new Text(conversation.RenderLastPrompt())).Header("rendered prompt").Expand());
                    break;
                case "/stats":
                    console.Write(StatsTable());
                    break;
                case var command when command.StartsWith('/'):
                    console.MarkupLine($"[red]Unknown command {Markup.Escape(command)}.[/] Type /help.");
                    break;
                default:
                    await AnswerAsync(line, cancellationToken);
                    break;
            }
        }
    }

    private async Task AnswerAsync(string question, CancellationToken cancellationToken)
    {
        console.Markup("[bold green]urial>[/] ");
        await foreach (var text in conversation.AskAsync(question, cancellationToken))
        {
            // Model output is data, never markup: a "[" in a story must not be read as a style.
            console.Markup(Markup.Escape(text));
        }

        console.WriteLine();
    }

    private Table StatsTable()
    {
        var stats = conversation.Stats;
        var table = new Table().AddColumn("statistic").AddColumn(new TableColumn("value").RightAligned());
        void Row(string name, string value) => table.AddRow(Markup.Escape(name), Markup.Escape(value));
        Row("turns", stats.Turns.ToString(CultureInfo.InvariantCulture));
        Row("tokens in (total)", stats.InputTokens.ToString("N0", CultureInfo.InvariantCulture));
        Row("  of which from the prefix cache", stats.CachedInputTokens.ToString("N0", CultureInfo.InvariantCulture));
        Row("tokens out (total)", stats.OutputTokens.ToString("N0", CultureInfo.InvariantCulture));
        Row("last answer: time to first token", stats.LastTimeToFirstToken is { } ttft ? $"{ttft.TotalMilliseconds:0} ms" : "-");
        Row("last answer: tokens/s", stats.LastTokensPerSecond is { } speed ? speed.ToString("0.0", CultureInfo.InvariantCulture) : "-");
        Row("cached prefix tokens", host.CachedPrefixTokens?.ToString(CultureInfo.InvariantCulture) ?? "-");
        return table;
    }
}
