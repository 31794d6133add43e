using System.CommandLine;
using Urial.SemanticKernel;

namespace Urial.Cli;

/// <summary><c>urial render</c>: prints the exact prompt text a model is given for a conversation.</summary>
internal static class RenderCommand
{
    public static Command Create(CliContext context)
    {
        var conversation = CliOptions.Path("--conversation", "A JSON array of {\"role\", \"content\"} messages (system, user, assistant).", required: true, helpName: "file.json");
        var prompt = new PromptOption();
        var command = new Command("render", "Print the exact prompt text the model is given for a conversation.") { conversation };
        prompt.AddTo(command);
        command.SetAction((result, _) => RunAsync(result.GetValue(conversation)!, prompt.Read(result), context));
        return command;
    }

    private static async Task<int> RunAsync(string conversationPath, UrialPrompt prompt, CliContext context)
    {
        var messages = ConversationFile.Load(conversationPath);
        string rendered;
        try
        {
            rendered = prompt.Render(messages);
        }
        catch (ArgumentException exception)
        {
            throw new CliException($"The conversation '{conversationPath}' cannot be rendered: {exception.Message}", exception);
        }

        // Exactly the text: no trailing newline is added, so the output can be diffed or piped into a tokenizer.
        await context.Output.WriteAsync(rendered);
        await context.Output.FlushAsync();
        return 0;
    }
}
