using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Urial.SemanticKernel;

/// <summary>Sends one request to one server and turns every failure into an exception that names the endpoint, the status and the server's message.</summary>
internal sealed class RemoteHttp(HttpClient client, RemoteEndpoint endpoint, string? apiKey)
{
    /// <summary>The most characters of a server's error body quoted in an exception.</summary>
    private const int MaxQuotedError = 500;

    public RemoteEndpoint Endpoint => endpoint;

    /// <summary>GETs a JSON document.</summary>
    public async Task<JsonElement> GetJsonAsync(string path, CancellationToken cancellationToken)
    {
        using var request = Create(HttpMethod.Get, path, body: null);
        using var response = await SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        return await ReadJsonAsync(response, path, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>POSTs a JSON body and reads a JSON answer.</summary>
    public async Task<JsonElement> PostJsonAsync(string path, JsonObject body, CancellationToken cancellationToken)
    {
        using var request = Create(HttpMethod.Post, path, body);
        using var response = await SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        return await ReadJsonAsync(response, path, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>POSTs a JSON body and returns as soon as the response headers arrived: the caller reads (and disposes) the stream.</summary>
    /// <remarks>The resilience pipeline (timeout, retries, circuit breaker) covers exactly this part: nothing has been streamed yet.</remarks>
    public async Task<HttpResponseMessage> PostStreamingAsync(string path, JsonObject body, CancellationToken cancellationToken)
    {
        using var request = Create(HttpMethod.Post, path, body);
        return await SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Wraps a failure while reading a stream that had started.</summary>
    public UrialRemoteEngineException StreamFailed(string what, Exception? cause = null) =>
        new(endpoint.Address, null, null, $"The server at {endpoint.Address} {what}{(cause is null ? "." : ": " + cause.Message)}", cause);

    private HttpRequestMessage Create(HttpMethod method, string path, JsonObject? body)
    {
        var request = new HttpRequestMessage(method, endpoint.Resolve(path));
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        if (apiKey is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        return request;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, completion, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException or BrokenCircuitException or OperationCanceledException or IOException)
        {
            var what = ex switch
            {
                TimeoutRejectedException or OperationCanceledException => "did not answer in time",
                BrokenCircuitException => "is failing (its circuit breaker is open)",
                _ => "could not be reached",
            };
            throw new UrialRemoteEngineException(endpoint.Address, null, null, $"The server at {endpoint.Address} {what} ({request.Method} {request.RequestUri!.AbsolutePath}): {ex.Message}", ex);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            var text = await ReadErrorAsync(response, cancellationToken).ConfigureAwait(false);
            var message = ServerMessage(text);
            var status = response.StatusCode;
            var error = new UrialRemoteEngineException(endpoint.Address, status, message,
                $"The server at {endpoint.Address} answered {(int)status} {response.ReasonPhrase} to {request.Method} {request.RequestUri!.AbsolutePath}: {message ?? "(no message)"}");
            if (status == HttpStatusCode.TooManyRequests)
            {
                throw new UrialCapacityExceededException($"{error.Message} Retry later, or add replicas.", error);
            }

            if (status is HttpStatusCode.BadRequest && message is not null && IsContextLengthMessage(message))
            {
                throw new UrialContextLengthExceededException($"{error.Message} Shorten the conversation or lower MaxOutputTokens.", error);
            }

            throw error;
        }
    }

    private async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response, string path, CancellationToken cancellationToken)
    {
        try
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
        catch (Exception ex) when (ex is JsonException or HttpRequestException or IOException)
        {
            throw new UrialRemoteEngineException(endpoint.Address, response.StatusCode, null, $"The server at {endpoint.Address} sent an unreadable answer to /{path}: {ex.Message}", ex);
        }
    }

    private static async Task<string> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            return text.Length > MaxQuotedError * 4 ? text[..(MaxQuotedError * 4)] : text;
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            return string.Empty;
        }
    }

    /// <summary>The server's own message: OpenAI's and llama.cpp's <c>{"error":{"message"}}</c>, vLLM's <c>{"message"}</c>, else the text.</summary>
    internal static string? ServerMessage(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                if (root.TryGetProperty("error", out var error))
                {
                    if (error.ValueKind == JsonValueKind.String)
                    {
                        return Quote(error.GetString());
                    }

                    if (error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var nested) && nested.ValueKind == JsonValueKind.String)
                    {
                        return Quote(nested.GetString());
                    }
                }

                if (root.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String)
                {
                    return Quote(message.GetString());
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON: quote the text itself.
        }

        return Quote(body.Trim());
    }

    private static string? Quote(string? text) => text is null ? null : text.Length <= MaxQuotedError ? text : text[..MaxQuotedError] + "…";

    private static bool IsContextLengthMessage(string message) =>
        message.Contains("maximum context length", StringComparison.OrdinalIgnoreCase)
        || message.Contains("context length", StringComparison.OrdinalIgnoreCase)
        || message.Contains("exceeds the available context", StringComparison.OrdinalIgnoreCase);
}
