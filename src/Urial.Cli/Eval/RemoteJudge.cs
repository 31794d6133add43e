using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Urial.Cli;

/// <summary>An OpenAI-compatible judge (<c>POST {base}/chat/completions</c> with <c>response_format: json_schema</c>, strict).</summary>
/// <remarks>The API key is read from <c>URIAL_JUDGE_API_KEY</c>, else <c>OPENAI_API_KEY</c>; none is sent when neither is set (local servers).</remarks>
internal sealed class RemoteJudge : IJudge
{
    private readonly HttpClient _http;
    private readonly Uri _endpoint;
    private readonly string _model;
    private readonly int _maxTokens;
    private readonly JsonElement _schema;

    public RemoteJudge(Uri baseUri, string model, int maxTokens, int rationaleChars, HttpMessageHandler? handler = null)
    {
        _http = handler is null ? new HttpClient() : new HttpClient(handler);
        _http.Timeout = TimeSpan.FromMinutes(5);
        var key = Environment.GetEnvironmentVariable("URIAL_JUDGE_API_KEY") is { Length: > 0 } judgeKey ? judgeKey : Environment.GetEnvironmentVariable("OPENAI_API_KEY");
        if (!string.IsNullOrEmpty(key))
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        var text = baseUri.AbsoluteUri.TrimEnd('/');
        _endpoint = new Uri(text.EndsWith("/chat/completions", StringComparison.Ordinal) ? text : text + "/chat/completions");
        _model = model;
        _maxTokens = maxTokens;
        _schema = JudgeRubric.Schema(rationaleChars);
        Name = $"remote:{_model}@{_endpoint.Host}";
    }

    public string Name { get; }

    public async Task<string> JudgeAsync(string instruction, string answer, CancellationToken cancellationToken)
    {
        var request = new JsonObject
        {
            ["model"] = _model,
            ["temperature"] = 0,
            ["max_tokens"] = _maxTokens,
            ["messages"] = new JsonArray(
                new JsonObject { ["role"] = "system", ["content"] = JudgeRubric.SystemText },
                new JsonObject { ["role"] = "user", ["content"] = JudgeRubric.UserText(instruction, answer) }),
            ["response_format"] = new JsonObject
            {
                ["type"] = "json_schema",
                ["json_schema"] = new JsonObject
                {
                    ["name"] = "judgment",
                    ["strict"] = true,
                    ["schema"] = JsonNode.Parse(_schema.GetRawText()),
                },
            },
        };
        using var response = await _http.PostAsJsonAsync(_endpoint, request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"The judge at {_endpoint} answered {(int)response.StatusCode}: {Truncate(body)}");
        }

        using var document = JsonDocument.Parse(body);
        if (!document.RootElement.TryGetProperty("choices", out var choices) || choices.ValueKind != JsonValueKind.Array || choices.GetArrayLength() == 0
            || !choices[0].TryGetProperty("message", out var message) || !message.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.String)
        {
            throw new HttpRequestException($"The judge at {_endpoint} sent no choices[0].message.content: {Truncate(body)}");
        }

        return content.GetString()!;
    }

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        return ValueTask.CompletedTask;
    }

    private static string Truncate(string text) => text.Length <= 300 ? text : text[..300] + "…";
}
