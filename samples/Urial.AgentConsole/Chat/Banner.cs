using System.Globalization;
using Spectre.Console;

namespace Urial.AgentConsole.Chat;

/// <summary>The lines shown once the model is ready: what runs, and how much of the context the URIAL prefix takes.</summary>
internal static class Banner
{
    public static void Write(IAnsiConsole console, AssistantHost host, IAssistant assistant, string modelPath)
    {
        console.Write(new Rule("[bold]Urial agent console[/]").LeftJustified());
        var grid = new Grid().AddColumn().AddColumn();
        void Row(string name, string value) => grid.AddRow($"[grey]{Markup.Escape(name)}[/]", Markup.Escape(value));
        Row("model", $"{host.Engine.ModelId} ({modelPath})");
        Row("prompt", host.Prompt.Name);
        Row("prefix tokens", host.CachedPrefixTokens?.ToString(CultureInfo.InvariantCulture) ?? "-");
        Row("context size", host.ContextSize.ToString(CultureInfo.InvariantCulture));
        Row("runtime", assistant.Runtime);
        Row("tools", "Clock, Calculator, Notes");
        console.Write(grid);
        console.MarkupLine("[grey]Type /help for commands.[/]");
    }
}
