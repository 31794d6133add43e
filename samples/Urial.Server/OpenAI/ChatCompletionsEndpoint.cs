using System.Text.Json;
using Microsoft.Extensions.AI;
using Urial.SemanticKernel;

namespace Urial.Server.OpenAI;

/// <summary><c>POST /v1/chat/completions</c>: one URIAL-aligned answer, streamed or not.</summary>
internal static class ChatCompletionsEndpoint
{
    private static readonly JsonDocumentOptions s_json = new() { MaxDepth = 64 };

    public static async Task HandleAsync(HttpContext context, IChatClient client, IUrialEngine engine, ServerErrors errors)
    {
        var id = "chatcmpl-" + Guid.NewGuid().ToString("N");
        var chunks = 0;
        try
        {
            using var body = await ReadBodyAsync(context).ConfigureAwait(false);
            var request = ChatCompletionRequestReader.Read(body.RootElement);
            var created = DateTimeOffset.UtcNow;
            if (!request.Stream)
            {
                var response = await client.GetResponseAsync(request.Messages, request.Options, context.RequestAborted).ConfigureAwait(false);
                (response.ResponseId, response.ModelId, response.CreatedAt) = (id, engine.ModelId, created);
                await ChatCompletionWriter.WriteAsync(context, response).ConfigureAwait(false);
                return;
            }

            // The first update is awaited before any byte is sent: a refusal (bad options, full queue, prompt too long) still gets its status code.
            await using var updates = client.GetStreamingResponseAsync(request.Messages, request.Options, context.RequestAborted).GetAsyncEnumerator(context.RequestAborted);
            var hasFirst = await updates.MoveNextAsync().ConfigureAwait(false);
            context.Response.ContentType = "text/event-stream";
            context.Response.Headers.CacheControl = "no-cache";
            chunks = await ChatCompletionWriter.WriteStreamAsync(context, Rest(updates, hasFirst, id, engine.ModelId, created), request.IncludeUsage).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            errors.ClientDisconnected(id, chunks);
        }
        catch (Exception exception) when (context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            // Headers are gone: the stream ends with an error event, as OpenAI's does.
            var (_, type, message, param, code) = errors.Classify(exception, id);
            await ChatCompletionWriter.WriteEventAsync(context, OpenAIError.ToJson(message, type, param, code)).ConfigureAwait(false);
        }
        catch (Exception exception) when (!context.RequestAborted.IsCancellationRequested)
        {
            await errors.WriteAsync(context, exception, id).ConfigureAwait(false);
        }
    }

    private static async Task<JsonDocument> ReadBodyAsync(HttpContext context)
    {
        try
        {
            return await JsonDocument.ParseAsync(context.Request.Body, s_json, context.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException exception)
        {
            throw new BadRequestException($"The request body is not valid JSON: {exception.Message}", param: null);
        }
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> Rest(IAsyncEnumerator<ChatResponseUpdate> updates, bool hasFirst, string id, string model, DateTimeOffset created)
    {
        for (var more = hasFirst; more; more = await updates.MoveNextAsync().ConfigureAwait(false))
        {
            var update = updates.Current;
            (update.ResponseId, update.ModelId, update.CreatedAt) = (id, model, created);
            yield return update;
        }
    }
}
