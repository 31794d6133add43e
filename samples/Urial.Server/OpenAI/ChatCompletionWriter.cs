using System.ClientModel.Primitives;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using OpenAI.Chat;

namespace Urial.Server.OpenAI;

/// <summary>
/// Writes answers in OpenAI's wire format through Microsoft.Extensions.AI.OpenAI's conversions
/// (<c>AsOpenAIChatCompletion</c>, <c>AsOpenAIStreamingChatCompletionUpdatesAsync</c>) and the SDK's serializer.
/// </summary>
/// <remarks>
/// Two things the conversions of Microsoft.Extensions.AI.OpenAI 10.11 get wrong or leave out are corrected on the
/// serialized JSON: the usage gains <c>prompt_tokens_details.cached_tokens</c> (serialized by the SDK's own
/// <see cref="ChatTokenUsage"/>), and a streamed chunk keeps <c>finish_reason</c> null unless it is the one that finishes
/// (the conversion writes <c>"stop"</c> on every chunk).
/// </remarks>
internal static class ChatCompletionWriter
{
    // Quotes and angle brackets in answers stay readable (\" rather than \u0022); the body is JSON, never embedded in HTML.
    private static readonly JsonSerializerOptions s_json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static async Task WriteAsync(HttpContext context, ChatResponse response)
    {
        var json = JsonNode.Parse(ModelReaderWriter.Write(response.AsOpenAIChatCompletion()).ToString())!;
        if (response.Usage is { } usage)
        {
            json["usage"] = Usage(usage);
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(json.ToJsonString(s_json), context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Writes the updates as server-sent events, then <c>data: [DONE]</c>.</summary>
    /// <returns>How many chunks were written.</returns>
    public static async Task<int> WriteStreamAsync(HttpContext context, IAsyncEnumerable<ChatResponseUpdate> updates, bool includeUsage)
    {
        var chunks = 0;
        var source = new CurrentUpdate();
        await foreach (var wire in source.Track(updates).AsOpenAIStreamingChatCompletionUpdatesAsync(context.RequestAborted).ConfigureAwait(false))
        {
            var update = source.Value!;
            var usage = update.Contents.OfType<UsageContent>().FirstOrDefault()?.Details;
            if (update.FinishReason is null && usage is null && !update.Contents.Any(content => content is TextContent or FunctionCallContent))
            {
                continue; // nothing a client could use
            }

            var json = JsonNode.Parse(ModelReaderWriter.Write(wire).ToString())!;
            if (update.FinishReason is null && json["choices"] is JsonArray { Count: > 0 } choices)
            {
                choices[0]!["finish_reason"] = null;
            }

            json.AsObject().Remove("usage");
            if (includeUsage && usage is not null)
            {
                json["usage"] = Usage(usage);
            }

            await WriteEventAsync(context, json.ToJsonString(s_json)).ConfigureAwait(false);
            chunks++;
        }

        await WriteEventAsync(context, "[DONE]").ConfigureAwait(false);
        return chunks;
    }

    public static async Task WriteEventAsync(HttpContext context, string data)
    {
        await context.Response.WriteAsync($"data: {data}\n\n", context.RequestAborted).ConfigureAwait(false);
        await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    private static JsonNode Usage(UsageDetails usage)
    {
        var input = (int)(usage.InputTokenCount ?? 0);
        var output = (int)(usage.OutputTokenCount ?? 0);
        var wire = OpenAIChatModelFactory.ChatTokenUsage(
            outputTokenCount: output,
            inputTokenCount: input,
            totalTokenCount: (int)(usage.TotalTokenCount ?? input + output),
            outputTokenDetails: null,
            inputTokenDetails: OpenAIChatModelFactory.ChatInputTokenUsageDetails(audioTokenCount: 0, cachedTokenCount: (int)(usage.CachedInputTokenCount ?? 0)));
        return JsonNode.Parse(ModelReaderWriter.Write(wire).ToString())!;
    }

    /// <summary>Remembers the update the conversion is translating (it maps one update to one chunk, in order).</summary>
    private sealed class CurrentUpdate
    {
        public ChatResponseUpdate? Value { get; private set; }

        public async IAsyncEnumerable<ChatResponseUpdate> Track(IAsyncEnumerable<ChatResponseUpdate> updates)
        {
            await foreach (var update in updates.ConfigureAwait(false))
            {
                Value = update;
                yield return update;
            }
        }
    }
}
