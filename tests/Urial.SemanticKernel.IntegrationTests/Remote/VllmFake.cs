using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Urial.SemanticKernel.IntegrationTests.Remote;

/// <summary>
/// A loopback stand-in for vLLM (which cannot run here: no GPU, no Python registry) that implements vLLM's documented request
/// and response fields of <c>/v1/models</c>, <c>/version</c>, <c>/tokenize</c> and <c>/v1/completions</c>, and rejects any field
/// vLLM does not accept. The text itself comes from a real llama-server behind it.
/// </summary>
public sealed class VllmFake : IAsyncDisposable
{
    public const string ModelName = "meta-llama/stories-260k";

    private static readonly HashSet<string> s_completionFields =
    [
        "model", "prompt", "max_tokens", "stream", "stream_options", "temperature", "top_p", "top_k", "min_p", "repetition_penalty",
        "frequency_penalty", "presence_penalty", "seed", "stop",
    ];

    private readonly LlamaServer _server;
    private readonly string _version;
    private readonly int _maxModelLength;
    private readonly HttpClient _upstream = new() { Timeout = Timeout.InfiniteTimeSpan };

    private WebApplication _app = null!;

    private VllmFake(LlamaServer server, string version, int maxModelLength)
    {
        _server = server;
        _version = version;
        _maxModelLength = maxModelLength;
    }

    /// <summary>Gets the OpenAI base address (<c>…/v1</c>), as vLLM users configure it.</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>Gets the bodies of the completion requests received.</summary>
    public ConcurrentQueue<JsonObject> Completions { get; } = new();

    /// <param name="server">The llama-server that produces the text.</param>
    /// <param name="version">The vLLM version reported: from 0.10.2 grammars go in <c>structured_outputs</c>, before in <c>guided_grammar</c>.</param>
    /// <param name="maxModelLength">The <c>max_model_len</c> reported (at most the server's slot context).</param>
    public static async Task<VllmFake> StartAsync(LlamaServer server, string version = "0.11.0", int maxModelLength = 8192)
    {
        var fake = new VllmFake(server, version, maxModelLength);
        (fake._app, var root) = await LoopbackApp.StartAsync(app =>
        {
            app.MapGet("/v1/models", () => Results.Json(new { @object = "list", data = new[] { new { id = ModelName, @object = "model", owned_by = "vllm", root = ModelName, max_model_len = maxModelLength } } }));
            app.MapGet("/version", () => Results.Json(new { version }));
            app.MapPost("/tokenize", (Func<HttpContext, Task<IResult>>)fake.TokenizeAsync);
            app.MapPost("/v1/completions", fake.CompleteAsync);
        });
        fake.Address = new Uri(root, "v1");
        return fake;
    }

    public async ValueTask DisposeAsync()
    {
        await LoopbackApp.StopAsync(_app);
        _upstream.Dispose();
    }

    private bool UsesStructuredOutputs => Version.Parse(_version) >= new Version(0, 10, 2);

    private static IResult Error(string message) => Results.Json(new { @object = "error", message, type = "BadRequestError", param = (string?)null, code = 400 }, statusCode: 400);

    private async Task<IResult> TokenizeAsync(HttpContext context)
    {
        var body = (await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted))!.AsObject();
        if (body.Select(p => p.Key).FirstOrDefault(k => k is not ("model" or "prompt" or "add_special_tokens")) is { } extra)
        {
            return Error($"Extra inputs are not permitted: {extra}");
        }

        var tokens = await TokenizeAsync(body["prompt"]!.GetValue<string>(), body["add_special_tokens"]?.GetValue<bool>() ?? true, context.RequestAborted);
        return Results.Json(new { count = tokens.Length, max_model_len = _maxModelLength, tokens });
    }

    private async Task<int[]> TokenizeAsync(string text, bool addSpecial, CancellationToken cancellationToken)
    {
        using var response = await _upstream.PostAsJsonAsync(new Uri(_server.Address, "tokenize"), new { content = text, add_special = addSpecial }, cancellationToken);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return [.. document.RootElement.GetProperty("tokens").EnumerateArray().Select(t => t.GetInt32())];
    }

    private async Task CompleteAsync(HttpContext context)
    {
        var body = (await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted))!.AsObject();
        Completions.Enqueue(body);
        var grammarField = UsesStructuredOutputs ? "structured_outputs" : "guided_grammar";
        var extra = body.Select(p => p.Key).FirstOrDefault(k => !s_completionFields.Contains(k) && k != grammarField);
        IResult? refusal = extra is not null ? Error($"Extra inputs are not permitted: {extra}")
            : body["model"]?.GetValue<string>() != ModelName ? Error($"The model `{body["model"]}` does not exist.")
            : body["stream"]?.GetValue<bool>() != true ? Error("this fake only streams")
            : null;
        var prompt = body["prompt"] is JsonArray ids ? [.. ids.Select(t => t!.GetValue<int>())] : await TokenizeAsync(body["prompt"]!.GetValue<string>(), true, context.RequestAborted);
        var maxTokens = body["max_tokens"]?.GetValue<int>() ?? 16;
        if (refusal is null && prompt.Length + maxTokens > _maxModelLength)
        {
            refusal = Error($"This model's maximum context length is {_maxModelLength} tokens. However, you requested {prompt.Length + maxTokens} tokens ({prompt.Length} in the messages, {maxTokens} in the completion). Please reduce the length of the messages or completion.");
        }

        if (refusal is not null)
        {
            await refusal.ExecuteAsync(context);
            return;
        }

        var upstream = new JsonObject
        {
            ["prompt"] = new JsonArray([.. prompt.Select(t => (JsonNode)t)]),
            ["n_predict"] = maxTokens,
            ["stream"] = true,
            ["cache_prompt"] = true,
            ["temperature"] = body["temperature"]?.DeepClone() ?? 1.0,
            ["top_p"] = body["top_p"]?.DeepClone() ?? 1.0,
            ["top_k"] = Math.Max(0, body["top_k"]?.GetValue<int>() ?? -1),
            ["min_p"] = body["min_p"]?.DeepClone() ?? 0.0,
            ["repeat_penalty"] = body["repetition_penalty"]?.DeepClone() ?? 1.0,
            ["frequency_penalty"] = body["frequency_penalty"]?.DeepClone() ?? 0.0,
            ["presence_penalty"] = body["presence_penalty"]?.DeepClone() ?? 0.0,
            ["stop"] = body["stop"]?.DeepClone() ?? new JsonArray(),
        };
        if (body["seed"] is { } seed)
        {
            upstream["seed"] = seed.DeepClone();
        }

        if ((UsesStructuredOutputs ? body["structured_outputs"]?["grammar"] : body["guided_grammar"]) is { } grammar)
        {
            upstream["grammar"] = grammar.DeepClone();
        }

        await RelayAsync(context, upstream, prompt.Length);
    }

    /// <summary>Relays llama-server's native stream in vLLM's shape: text chunks, a finish chunk with <c>stop_reason</c>, a usage chunk, <c>[DONE]</c>.</summary>
    private async Task RelayAsync(HttpContext context, JsonObject upstream, int promptTokens)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_server.Address, "completion")) { Content = new StringContent(upstream.ToJsonString(), Encoding.UTF8, "application/json") };
        using var response = await _upstream.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        context.Response.ContentType = "text/event-stream";
        await context.Response.StartAsync(context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(context.RequestAborted));
        var id = "cmpl-" + Guid.NewGuid().ToString("N");
        while (await reader.ReadLineAsync(context.RequestAborted) is { } line)
        {
            if (!line.StartsWith("data: ", StringComparison.Ordinal))
            {
                continue;
            }

            using var chunk = JsonDocument.Parse(line[6..]);
            var root = chunk.RootElement;
            var done = root.GetProperty("stop").GetBoolean();
            string? finish = !done ? null : root.GetProperty("stop_type").GetString() == "limit" ? "length" : "stop";
            object? stopReason = done && root.GetProperty("stopping_word").GetString() is { Length: > 0 } word ? word : null;
            await LoopbackApp.SendEventAsync(context, new { id, @object = "text_completion", created = 0, model = ModelName, choices = new[] { new { index = 0, text = root.GetProperty("content").GetString(), logprobs = (object?)null, finish_reason = finish, stop_reason = stopReason } }, usage = (object?)null });
            if (done)
            {
                var evaluated = root.GetProperty("timings").GetProperty("prompt_n").GetInt32();
                var completion = root.GetProperty("tokens_predicted").GetInt32();
                await LoopbackApp.SendEventAsync(context, new { id, @object = "text_completion", created = 0, model = ModelName, choices = Array.Empty<object>(), usage = new { prompt_tokens = promptTokens, completion_tokens = completion, total_tokens = promptTokens + completion, prompt_tokens_details = new { cached_tokens = promptTokens - evaluated } } });
                await context.Response.WriteAsync("data: [DONE]\n\n", context.RequestAborted);
                return;
            }
        }
    }
}
