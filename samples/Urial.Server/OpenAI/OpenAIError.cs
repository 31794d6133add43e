using System.Text.Encodings.Web;
using System.Text.Json;

namespace Urial.Server.OpenAI;

/// <summary>Writes an error the way OpenAI's API does: <c>{"error": {"message", "type", "param", "code"}}</c>, which every OpenAI client reads.</summary>
internal static class OpenAIError
{
    public static Task WriteAsync(HttpContext context, int status, string message, string type, string? param, string? code)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(ToJson(message, type, param, code), context.RequestAborted);
    }

    // Quotes and apostrophes in messages stay readable; the body is JSON, never embedded in HTML.
    private static readonly JsonSerializerOptions s_options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string ToJson(string message, string type, string? param, string? code) =>
        JsonSerializer.Serialize(new { error = new { message, type, param, code } }, s_options);
}

/// <summary>A request the client must fix: answered 400 with the offending parameter named.</summary>
internal sealed class BadRequestException(string message, string? param, string? code = null) : Exception(message)
{
    public string? Param { get; } = param;

    public string? Code { get; } = code;
}
