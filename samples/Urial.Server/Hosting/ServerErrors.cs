using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Urial.SemanticKernel;
using Urial.Server.OpenAI;

namespace Urial.Server;

/// <summary>Turns exceptions into OpenAI-style errors: a client's mistake is a 4xx that says what to fix, never a 500.</summary>
internal sealed partial class ServerErrors(IOptions<ServerOptions> options, ILogger<ServerErrors> logger)
{
    public async Task WriteAsync(HttpContext context, Exception exception, string id)
    {
        var (status, type, message, param, code) = Classify(exception, id);
        if (status == StatusCodes.Status429TooManyRequests)
        {
            context.Response.Headers.RetryAfter = options.Value.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        await OpenAIError.WriteAsync(context, status, message, type, param, code).ConfigureAwait(false);
    }

    public (int Status, string Type, string Message, string? Param, string? Code) Classify(Exception exception, string id)
    {
        switch (exception)
        {
            case BadRequestException bad:
                return (StatusCodes.Status400BadRequest, "invalid_request_error", bad.Message, bad.Param, bad.Code);
            case BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge }:
                return (StatusCodes.Status413PayloadTooLarge, "invalid_request_error", $"The request body is larger than {options.Value.MaxRequestBodyBytes} bytes.", null, "request_too_large");
            case BadHttpRequestException http:
                return (http.StatusCode, "invalid_request_error", http.Message, null, null);
            case UrialCapacityExceededException:
                LogRefused(logger, id);
                return (StatusCodes.Status429TooManyRequests, "rate_limit_error", "The model's request queue is full; retry after the time in Retry-After.", null, "engine_queue_full");
            case UrialContextLengthExceededException tooLong:
                return (StatusCodes.Status400BadRequest, "invalid_request_error", tooLong.Message, "messages", "context_length_exceeded");
            case ArgumentException or NotSupportedException:
                // The library validates options and schemas before anything runs: these are the request's mistakes.
                return (StatusCodes.Status400BadRequest, "invalid_request_error", exception.Message, null, null);
            default:
                LogFailed(logger, id, exception);
                return (StatusCodes.Status500InternalServerError, "server_error", $"The server failed on request {id}; see its log.", null, null);
        }
    }

    public void ClientDisconnected(string id, int chunks) => LogDisconnected(logger, id, chunks);

    [LoggerMessage(Level = LogLevel.Information, Message = "Chat completion {Id} cancelled: the client disconnected after {Chunks} chunks; generation stopped.")]
    private static partial void LogDisconnected(ILogger logger, string id, int chunks);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Chat completion {Id} refused with 429: the engine's queue is full.")]
    private static partial void LogRefused(ILogger logger, string id);

    [LoggerMessage(Level = LogLevel.Error, Message = "Chat completion {Id} failed.")]
    private static partial void LogFailed(ILogger logger, string id, Exception exception);
}
