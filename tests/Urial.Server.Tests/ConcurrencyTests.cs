using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Urial.Server.Tests;

/// <summary>One request at a time and no queue: a second request is refused with 429, and a client that hangs up frees the slot.</summary>
public sealed partial class ConcurrencyTests(SingleSlotServerFixture fixture) : IClassFixture<SingleSlotServerFixture>
{
    // A schema that forces 16 strings of 256 letters (over a thousand tokens; the pattern keeps a character to one byte, so the
    // grammar's worst case fits max_tokens): the stream cannot end on its own
    // before the test has acted on its first chunk, so "still running" is guaranteed by construction, not by timing.
    private const string LongAnswer = """
        {"messages": [{"role": "user", "content": "List lines."}], "stream": true, "max_tokens": 5000,
         "response_format": {"type": "json_schema", "json_schema": {"name": "lines", "schema": {
           "type": "object", "additionalProperties": false, "required": ["lines"],
           "properties": {"lines": {"type": "array", "minItems": 16, "maxItems": 16, "items": {"type": "string", "pattern": "^[a-z]{256}$"}}}}}}}
        """;

    [Fact]
    public async Task A_request_beyond_the_running_slot_and_the_empty_queue_is_refused_with_429_and_Retry_After()
    {
        using var client = fixture.CreateHttpClient();
        var (running, _) = await StartLongStreamAsync(client);
        using var stream = running;

        using var refused = await client.PostAsync(new Uri("v1/chat/completions", UriKind.Relative), Json("""{"messages": [{"role": "user", "content": "Hi"}], "max_tokens": 4}"""), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("7", refused.Headers.RetryAfter?.Delta?.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var error = JsonDocument.Parse(await refused.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal("engine_queue_full", error.RootElement.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_client_that_disconnects_mid_stream_cancels_its_generation_and_frees_the_slot()
    {
        HttpResponseMessage running;
        string id;
        using (var client = fixture.CreateHttpClient())
        {
            (running, id) = await StartLongStreamAsync(client);

            // Hanging up: the response (and its connection) is disposed while the model still has hundreds of tokens to write.
            running.Dispose();
        }

        var line = await fixture.Server.WaitForLineAsync($"Chat completion {id} cancelled", TestContext.Current.CancellationToken);
        Assert.Matches(@"cancelled: the client disconnected after [0-9]+ chunks; generation stopped", line);

        // The engine leaves the request at its next step: wait for that state, then the one slot takes a new request.
        await WaitForRunningRequestsAsync(0).FailIfHung("the engine to leave the request");

        using var next = fixture.CreateHttpClient();
        using var answered = await next.PostAsync(new Uri("v1/chat/completions", UriKind.Relative), Json("""{"messages": [{"role": "user", "content": "Hi"}], "max_tokens": 4}"""), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
    }

    /// <summary>
    /// Starts the long stream and returns once its first chunk arrived and the engine reports it running (the engine
    /// publishes its occupancy at the end of the step that sampled the first token, a moment after that token streams out).
    /// </summary>
    private async Task<(HttpResponseMessage Response, string Id)> StartLongStreamAsync(HttpClient client)
    {
        // The one slot must be free: a stream an earlier test hung up on leaves the engine at its next step.
        await WaitForRunningRequestsAsync(0).FailIfHung("the slot to be free");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("v1/chat/completions", UriKind.Relative)) { Content = Json(LongAnswer) };
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken));
        var first = await reader.ReadLineAsync(TestContext.Current.CancellationToken);
        Assert.StartsWith("data: {", first, StringComparison.Ordinal);
        using var chunk = JsonDocument.Parse(first!["data: ".Length..]);
        await WaitForRunningRequestsAsync(1).FailIfHung("the engine to report the request running");
        return (response, chunk.RootElement.GetProperty("id").GetString()!);
    }

    /// <summary>Reads the server's running-requests gauge until it shows <paramref name="count"/>: a wait on the engine's state.</summary>
    private async Task WaitForRunningRequestsAsync(int count)
    {
        while (await RunningRequestsAsync() != count)
        {
            await Task.Yield();
        }
    }

    private async Task<int> RunningRequestsAsync()
    {
        using var client = fixture.CreateHttpClient(withKey: false);
        var metrics = await client.GetStringAsync(new Uri("metrics", UriKind.Relative), TestContext.Current.CancellationToken);
        var match = RunningGauge().Match(metrics);
        Assert.True(match.Success, "no urial_engine_running_requests sample in:\n" + metrics);
        return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    [GeneratedRegex(@"^urial_engine_running_requests(?:\{[^}]*\})? ([0-9]+)", RegexOptions.Multiline)]
    private static partial Regex RunningGauge();
}
