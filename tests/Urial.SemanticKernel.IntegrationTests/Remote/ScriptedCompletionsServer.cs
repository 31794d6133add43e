using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Urial.SemanticKernel.IntegrationTests.Remote;

/// <summary>
/// A loopback plain OpenAI-compatible completions server whose answers are scripted per request, for the paths a real model
/// cannot be steered into (an answer that leaves its grammar, then a repair that completes it). Streams OpenAI's shape:
/// text chunks, a finish chunk, a usage chunk, <c>[DONE]</c>.
/// </summary>
public sealed class ScriptedCompletionsServer : IAsyncDisposable
{
    private readonly Func<int, string, string> _answer;
    private readonly string _finishReason;
    private WebApplication _app = null!;

    private ScriptedCompletionsServer(Func<int, string, string> answer, string finishReason)
    {
        _answer = answer;
        _finishReason = finishReason;
    }

    public Uri Address { get; private set; } = null!;

    /// <summary>Gets the prompts of the completion requests received, in order.</summary>
    public ConcurrentQueue<string> Prompts { get; } = new();

    /// <param name="answer">The answer to the request of the given index (from 0) with the given prompt.</param>
    /// <param name="finishReason">The finish reason of every answer: <c>stop</c>, or <c>length</c> for an answer the token budget ended.</param>
    public static async Task<ScriptedCompletionsServer> StartAsync(Func<int, string, string> answer, string finishReason = "stop")
    {
        var server = new ScriptedCompletionsServer(answer, finishReason);
        (server._app, var root) = await LoopbackApp.StartAsync(app => app.MapPost("/v1/completions", server.CompleteAsync));
        server.Address = new Uri(root, "v1");
        return server;
    }

    public ValueTask DisposeAsync() => LoopbackApp.StopAsync(_app);

    private async Task CompleteAsync(HttpContext context)
    {
        var body = (await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted))!.AsObject();
        var prompt = body["prompt"]!.GetValue<string>();
        Prompts.Enqueue(prompt);
        var text = _answer(Prompts.Count - 1, prompt);
        context.Response.ContentType = "text/event-stream";
        foreach (var piece in text.Chunk(5).Select(chars => new string(chars)))
        {
            await LoopbackApp.SendEventAsync(context, new { choices = new[] { new { index = 0, text = piece, finish_reason = (string?)null } } });
        }

        await LoopbackApp.SendEventAsync(context, new { choices = new[] { new { index = 0, text = string.Empty, finish_reason = _finishReason } } });
        await LoopbackApp.SendEventAsync(context, new { choices = Array.Empty<object>(), usage = new { prompt_tokens = prompt.Length / 4, completion_tokens = (text.Length / 4) + 1 } });
        await context.Response.WriteAsync("data: [DONE]\n\n", context.RequestAborted);
    }
}
