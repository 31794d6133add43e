using Urial.SemanticKernel;

namespace Urial.Cli;

/// <summary><c>urial render</c>: prints the exact prompt text a model is given for a conversation.</summary>
internal static class RenderCommand
{
    public static async Task<int> RunAsync(Arguments options, CliContext context)
    {
        var conversationPath = options.Required("conversation");
        var prompt = PromptOption.Read(options);
        options.EnsureAllRead();

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
