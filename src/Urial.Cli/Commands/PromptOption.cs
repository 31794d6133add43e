using System.CommandLine;
using Urial.SemanticKernel;

namespace Urial.Cli;

/// <summary>The <c>--prompt</c> option: a URIAL prompt file, or the library's default prompt.</summary>
internal sealed class PromptOption
{
    private readonly Option<string> _option = CliOptions.Path("--prompt", "A URIAL prompt file (e.g. one of the paper's); the library's default prompt when absent.", required: false, helpName: "file");

    public void AddTo(Command command) => command.Add(_option);

    public UrialPrompt Read(ParseResult result) =>
        result.GetValue(_option) is { } path ? UrialPrompt.Load(path) : UrialPrompt.Default;
}
