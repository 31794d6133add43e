namespace Urial.Cli;

/// <summary>How the base model is prompted before the aligned answer it scores.</summary>
internal enum ShiftMode
{
    /// <summary>The URIAL prompt: <c>UrialPrompt.Render([user instruction])</c>, then the answer.</summary>
    Urial,

    /// <summary>No alignment prompt: BOS, the instruction, a blank line (<c>"{instruction}\n\n"</c>), then the answer.</summary>
    Plain,
}

/// <summary>The prompt texts of each <see cref="ShiftMode"/>.</summary>
internal static class ShiftPrompts
{
    public static string Name(ShiftMode mode) => mode == ShiftMode.Urial ? "urial" : "plain";

    public static string Render(ShiftMode mode, Urial.SemanticKernel.UrialPrompt prompt, string instruction) => mode switch
    {
        ShiftMode.Urial => prompt.Render([new Microsoft.Extensions.AI.ChatMessage(Microsoft.Extensions.AI.ChatRole.User, instruction)]),
        _ => instruction + "\n\n",
    };
}
