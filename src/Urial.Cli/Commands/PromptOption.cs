using Urial.SemanticKernel;

namespace Urial.Cli;

/// <summary>The <c>--prompt</c> option: a URIAL prompt file, or the library's default prompt.</summary>
internal static class PromptOption
{
    public static UrialPrompt Read(Arguments options) =>
        options.Optional("prompt") is { } path ? UrialPrompt.Load(path) : UrialPrompt.Default;
}
