using Microsoft.Extensions.AI;
using Urial.SemanticKernel;

namespace Urial.Cli;

/// <summary><c>urial chat</c>: an interactive chat with a base model through URIAL, streamed token by token.</summary>
/// <remarks>Commands at the prompt: <c>/reset</c> starts a new conversation, <c>/exit</c> (or end of input) quits.</remarks>
internal static class ChatCommand
{
    public static async Task<int> RunAsync(Arguments options, CliContext context, CancellationToken cancellationToken)
    {
        var model = options.Required("model");
        var prompt = PromptOption.Read(options);
        var settings = ModelSettings.Read(options);
        var maxTokens = options.OptionalInt("max-tokens", 1) ?? 512;
        options.EnsureAllRead();

        ModelFiles.Validate(model);
        NativeLog.Silence();
        await using var client = UrialChatClient.FromModel(model, prompt, settings.Apply);
        var chatOptions = new ChatOptions { MaxOutputTokens = maxTokens };
        var history = new List<ChatMessage>();
        await context.Output.WriteLineAsync($"Chatting with {Path.GetFileName(model)} through the URIAL prompt '{prompt.Name}'. /reset starts over, /exit quits.");
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await context.Output.WriteAsync("\n> ");
            await context.Output.FlushAsync(cancellationToken);
            var line = await context.Input.ReadLineAsync(cancellationToken);
            if (line is null || line.Trim() == "/exit")
            {
                break;
            }

            if (line.Trim() == "/reset")
            {
                history.Clear();
                await context.Output.WriteLineAsync("(new conversation)");
                continue;
            }

            if (line.Trim().Length == 0)
            {
                continue;
            }

            history.Add(new ChatMessage(ChatRole.User, line));
            var answer = new System.Text.StringBuilder();
            await foreach (var update in client.GetStreamingResponseAsync(history, chatOptions, cancellationToken))
            {
                answer.Append(update.Text);
                await context.Output.WriteAsync(update.Text);
                await context.Output.FlushAsync(cancellationToken);
            }

            await context.Output.WriteLineAsync();
            history.Add(new ChatMessage(ChatRole.Assistant, answer.ToString()));
        }

        return 0;
    }
}
