using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Urial.Server.OpenAI;

/// <summary>Reads <c>response_format</c>: text, any JSON object, or a JSON schema that the answer is decoded under.</summary>
internal static class ResponseFormatReader
{
    private const string Expected = "'response_format' must be {\"type\": \"text\"}, {\"type\": \"json_object\"} or {\"type\": \"json_schema\", \"json_schema\": {\"name\": …, \"schema\": {…}}}.";

    public static ChatResponseFormat? Read(JsonElement body)
    {
        if (!ChatCompletionRequestReader.Present(body, "response_format"))
        {
            return null;
        }

        var format = body.GetProperty("response_format");
        if (format.ValueKind != JsonValueKind.Object || !format.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
        {
            throw new BadRequestException(Expected, "response_format");
        }

        return type.GetString() switch
        {
            "text" => ChatResponseFormat.Text,
            "json_object" => ChatResponseFormat.Json,
            "json_schema" => JsonSchema(format),
            _ => throw new BadRequestException(Expected, "response_format.type"),
        };
    }

    private static ChatResponseFormatJson JsonSchema(JsonElement format)
    {
        if (!format.TryGetProperty("json_schema", out var definition) || definition.ValueKind != JsonValueKind.Object
            || !definition.TryGetProperty("schema", out var schema) || schema.ValueKind != JsonValueKind.Object)
        {
            throw new BadRequestException("'response_format.json_schema.schema' must be a JSON Schema object.", "response_format.json_schema");
        }

        var name = definition.TryGetProperty("name", out var nameElement) && nameElement.ValueKind == JsonValueKind.String ? nameElement.GetString() : null;
        var description = definition.TryGetProperty("description", out var descriptionElement) && descriptionElement.ValueKind == JsonValueKind.String ? descriptionElement.GetString() : null;
        return ChatResponseFormat.ForJsonSchema(schema.Clone(), name, description);
    }
}
