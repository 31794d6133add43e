using System.CommandLine;
using Microsoft.Extensions.AI;
using Urial.SemanticKernel;

namespace Urial.Cli;

/// <summary><c>urial chat</c>: an interactive chat with a base model through URIAL, streamed token by token.</summary>
/// <remarks>Commands at the prompt: <c>/reset</c> starts a new conversation, <c>/exit</c> (or end of input) quits.</remarks>
internal static class ChatCommand
{
    public static Command Create(CliContext context)
    {
        var model = CliOptions.Path("--model", "The base GGUF model to chat with.", required: true, helpName: "model.gguf");
        var maxTokens = CliOptions.Integer("--max-tokens", "The most tokens of one answer.", 1, 512);
        var prompt = new PromptOption();
        var models = new ModelOptions();
        var command = new Command("chat", "Chat with a base model through URIAL, streamed token by token (/reset starts over, /exit quits).") { model, maxTokens };
        prompt.AddTo(command);
        models.AddTo(command);
        command.SetAction((result, cancellationToken) =>
            RunAsync(result.GetValue(model)!, prompt.Read(result), models.Read(result), result.GetValue(maxTokens), context, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string model, UrialPrompt prompt, ModelSettings settings, int maxTokens, CliContext context, CancellationToken cancellationToken)
    {
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
