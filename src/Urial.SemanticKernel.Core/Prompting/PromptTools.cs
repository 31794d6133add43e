using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Urial.SemanticKernel;

/// <summary>The function tools of one request, as the prompt describes them, and the tool mode.</summary>
/// <remarks>
/// Tool names, descriptions and schemas are trusted configuration written by the application, not user input;
/// they are still escaped like message text, so a description can never break the turn structure.
/// </remarks>
/// <param name="Functions">The function declarations, in the order the prompt lists them.</param>
/// <param name="Mode">The tool mode; <see cref="ChatToolMode.None"/> keeps the tools out of the prompt, <see langword="null"/> means automatic.</param>
internal sealed record PromptTools(IReadOnlyList<PromptFunction> Functions, ChatToolMode? Mode = null)
{
    /// <summary>The default maximum length, in characters, of a tool result shown in the prompt.</summary>
    public const int DefaultMaxResultLength = 4000;

    /// <summary>Gets whether the prompt shows the call demonstration and the tool list.</summary>
    public bool IsRendered => Functions.Count > 0 && Mode is not NoneChatToolMode;

    /// <summary>Collects the function declarations of a request's options.</summary>
    /// <param name="options">The chat options, possibly <see langword="null"/>.</param>
    /// <returns>The tools, or <see langword="null"/> when the options declare no function.</returns>
    public static PromptTools? From(ChatOptions? options)
    {
        var functions = options?.Tools?.OfType<AIFunctionDeclaration>()
            .Select(function => new PromptFunction(function.Name, function.Description, function.JsonSchema))
            .ToArray();
        return functions is { Length: > 0 } ? new PromptTools(functions, options!.ToolMode) : null;
    }
}

/// <summary>One function the model may call.</summary>
/// <param name="Name">The function name the model calls, e.g. <c>Plugin_Function</c>.</param>
/// <param name="Description">What the function does; may be empty.</param>
/// <param name="Schema">The JSON schema of the arguments object, as <see cref="AIFunctionDeclaration.JsonSchema"/> gives it.</param>
internal sealed record PromptFunction(string Name, string? Description, JsonElement Schema);
