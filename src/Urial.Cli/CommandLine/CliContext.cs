using Spectre.Console;

namespace Urial.Cli;

/// <summary>What a command runs with: its writers, its console (progress, tables) and the input of <c>chat</c>.</summary>
internal sealed class CliContext
{
    public CliContext(TextWriter output, TextWriter error, TextReader input, bool interactive)
    {
        Output = output;
        Error = error;
        Input = input;
        Interactive = interactive;
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Yes : InteractionSupport.No,
        });
        if (!interactive)
        {
            Console.Profile.Width = 120;
        }
    }

    public TextWriter Output { get; }

    public TextWriter Error { get; }

    public TextReader Input { get; }

    /// <summary>Gets whether the output is a terminal: live progress bars then, plain progress lines otherwise.</summary>
    public bool Interactive { get; }

    public IAnsiConsole Console { get; }
}
