using System.ClientModel.Primitives;
using System.Text.Json;
using Microsoft.Extensions.AI;
using OpenAI.Chat;
using MeaiChatMessage = Microsoft.Extensions.AI.ChatMessage;
using OpenAIChatMessage = OpenAI.Chat.ChatMessage;

namespace Urial.Server.OpenAI;

/// <summary>
/// Reads a chat completion request: messages and tools through the OpenAI SDK's own wire types and Microsoft.Extensions.AI.OpenAI's
/// conversions, the scalar options checked here so that every client mistake is a 400 naming the parameter.
/// </summary>
internal static class ChatCompletionRequestReader
{
    /// <summary>The most stop sequences one request may give (OpenAI's own limit).</summary>
    private const int MaxStopSequences = 4;

    public static ChatCompletionRequest Read(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw new BadRequestException("The request body must be a JSON object.", param: null);
        }

        Refuse(body);
        var messages = ReadMessages(body);
        var tools = ChatToolsReader.ReadTools(body);
        var options = new ChatOptions
        {
            Temperature = Number(body, "temperature", 0, 2),
            TopP = Number(body, "top_p", 0, 1, exclusiveMinimum: true),
            FrequencyPenalty = Number(body, "frequency_penalty", -2, 2),
            PresencePenalty = Number(body, "presence_penalty", -2, 2),
            Seed = Integer(body, "seed", long.MinValue),
            MaxOutputTokens = (int?)(Integer(body, "max_completion_tokens", 1) ?? Integer(body, "max_tokens", 1)),
            StopSequences = StopSequences(body),
            Tools = tools.Count == 0 ? null : [.. tools],
            ToolMode = ChatToolsReader.ReadToolMode(body, tools),
            AllowMultipleToolCalls = Boolean(body, "parallel_tool_calls"),
            ResponseFormat = ResponseFormatReader.Read(body),
        };
        var stream = Boolean(body, "stream") ?? false;
        var includeUsage = body.TryGetProperty("stream_options", out var streamOptions) && streamOptions.ValueKind == JsonValueKind.Object
            && (Boolean(streamOptions, "include_usage", "stream_options.include_usage") ?? false);
        return new ChatCompletionRequest(messages, options, stream, includeUsage);
    }

    /// <summary>Refuses what this server cannot honour instead of silently ignoring it.</summary>
    private static void Refuse(JsonElement body)
    {
        if (Integer(body, "n", 1) is { } n && n != 1)
        {
            throw new BadRequestException($"'n' must be 1 (got {n}): this server returns one choice per request; send {n} requests instead.", "n");
        }

        if (Boolean(body, "logprobs") == true || Present(body, "top_logprobs"))
        {
            throw new BadRequestException("'logprobs' and 'top_logprobs' are not supported by this server.", Present(body, "top_logprobs") ? "top_logprobs" : "logprobs");
        }

        if (body.TryGetProperty("logit_bias", out var bias) && bias.ValueKind == JsonValueKind.Object && bias.EnumerateObject().Any())
        {
            throw new BadRequestException("'logit_bias' is not supported by this server.", "logit_bias");
        }
    }

    private static List<MeaiChatMessage> ReadMessages(JsonElement body)
    {
        if (!body.TryGetProperty("messages", out var array) || array.ValueKind != JsonValueKind.Array || array.GetArrayLength() == 0)
        {
            throw new BadRequestException("'messages' must be a non-empty array of messages.", "messages");
        }

        var messages = new List<OpenAIChatMessage>(array.GetArrayLength());
        var index = 0;
        foreach (var element in array.EnumerateArray())
        {
            var param = $"messages[{index++}]";
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty("role", out var role) || role.ValueKind != JsonValueKind.String)
            {
                throw new BadRequestException($"'{param}' must be an object with a string 'role'.", param);
            }

            messages.Add(ReadWireModel<OpenAIChatMessage>(element, param));
        }

        return [.. messages.AsChatMessages()];
    }

    /// <summary>Reads one OpenAI wire object with the SDK's own deserializer; what it rejects is the client's mistake.</summary>
    internal static T ReadWireModel<T>(JsonElement element, string param)
        where T : class
    {
        try
        {
            return ModelReaderWriter.Read<T>(BinaryData.FromString(element.GetRawText()))
                ?? throw new BadRequestException($"'{param}' is empty.", param);
        }
        catch (Exception exception) when (exception is ArgumentException or InvalidOperationException or FormatException or JsonException or KeyNotFoundException)
        {
            throw new BadRequestException($"'{param}' is not a valid {typeof(T).Name}: {exception.Message}", param);
        }
    }

    private static List<string>? StopSequences(JsonElement body)
    {
        if (!body.TryGetProperty("stop", out var stop) || stop.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        List<string> sequences = stop.ValueKind switch
        {
            JsonValueKind.String => [stop.GetString()!],
            JsonValueKind.Array when stop.EnumerateArray().All(item => item.ValueKind == JsonValueKind.String) => [.. stop.EnumerateArray().Select(item => item.GetString()!)],
            _ => throw new BadRequestException("'stop' must be a string or an array of strings.", "stop"),
        };
        if (sequences.Count > MaxStopSequences || sequences.Any(string.IsNullOrEmpty))
        {
            throw new BadRequestException($"'stop' holds at most {MaxStopSequences} non-empty strings.", "stop");
        }

        return sequences;
    }

    internal static bool Present(JsonElement body, string name) => body.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null;

    private static float? Number(JsonElement body, string name, double minimum, double maximum, bool exclusiveMinimum = false)
    {
        if (!Present(body, name))
        {
            return null;
        }

        var value = body.GetProperty(name);
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number) || number > maximum || number < minimum || (exclusiveMinimum && number <= minimum))
        {
            var range = exclusiveMinimum ? $"({minimum}, {maximum}]" : $"[{minimum}, {maximum}]";
            throw new BadRequestException($"'{name}' must be a number in {range}, not {value.GetRawText()}.", name);
        }

        return (float)number;
    }

    private static long? Integer(JsonElement body, string name, long minimum)
    {
        if (!Present(body, name))
        {
            return null;
        }

        var value = body.GetProperty(name);
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var integer) || integer < minimum || (minimum > 0 && integer > int.MaxValue))
        {
            throw new BadRequestException($"'{name}' must be an integer of at least {minimum}, not {value.GetRawText()}.", name);
        }

        return integer;
    }

    internal static bool? Boolean(JsonElement body, string name, string? param = null)
    {
        if (!Present(body, name))
        {
            return null;
        }

        var value = body.GetProperty(name);
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new BadRequestException($"'{param ?? name}' must be true or false, not {value.GetRawText()}.", param ?? name),
        };
    }
}
