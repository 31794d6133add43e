using System.Net;
using System.Text;
using System.Text.Json;

namespace Urial.Server.Tests;

/// <summary>The HTTP contract seen with a plain <see cref="HttpClient"/>: client mistakes are clear 4xx errors, the key is checked, health and metrics are served.</summary>
public sealed class HttpContractTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const string User = """[{"role":"user","content":"Hi"}]""";

    [Theory]
    [InlineData("{\"messages\": " + User + ", \"n\": 2}", "n")]
    [InlineData("{\"messages\": " + User + ", \"temperature\": 5}", "temperature")]
    [InlineData("{\"messages\": " + User + ", \"top_p\": 0}", "top_p")]
    [InlineData("{\"messages\": " + User + ", \"max_tokens\": 0}", "max_tokens")]
    [InlineData("{\"messages\": " + User + ", \"stream\": \"yes\"}", "stream")]
    [InlineData("{\"messages\": " + User + ", \"stop\": [\"a\", \"b\", \"c\", \"d\", \"e\"]}", "stop")]
    [InlineData("{\"messages\": " + User + ", \"logprobs\": true}", "logprobs")]
    [InlineData("{\"messages\": []}", "messages")]
    [InlineData("{\"model\": \"x\"}", "messages")]
    [InlineData("{\"messages\": [{\"role\": \"wizard\", \"content\": \"x\"}]}", "messages[0]")]
    [InlineData("{\"messages\": [{\"content\": \"x\"}]}", "messages[0]")]
    [InlineData("{\"messages\": " + User + ", \"tool_choice\": \"required\"}", "tool_choice")]
    [InlineData("{\"messages\": " + User + ", \"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"f\"}}], \"tool_choice\": {\"type\": \"function\", \"function\": {\"name\": \"g\"}}}", "tool_choice")]
    [InlineData("{\"messages\": " + User + ", \"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"f\"}}, {\"type\": \"function\", \"function\": {\"name\": \"f\"}}]}", "tools[1]")]
    [InlineData("{\"messages\": " + User + ", \"response_format\": {\"type\": \"json_schema\"}}", "response_format.json_schema")]
    [InlineData("{\"messages\": " + User + ", \"response_format\": {\"type\": \"xml\"}}", "response_format.type")]
    public async Task A_client_mistake_is_a_400_that_names_the_parameter(string body, string param)
    {
        var (status, error) = await PostAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.Contains(param.Split('[', '.')[0], error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"messages\": ")]
    [InlineData("[1, 2, 3]")]
    [InlineData("{\"messages\": " + User + ", \"response_format\": {\"type\": \"json_schema\", \"json_schema\": {\"name\": \"x\", \"schema\": {\"type\": \"object\", \"properties\": {\"a\": {\"$ref\": \"#/nowhere\"}}}}}}")]
    [InlineData("{\"messages\": [{\"role\": \"assistant\", \"content\": \"I only answer.\"}]}")]
    public async Task Malformed_json_or_requests_the_library_refuses_are_400s_not_500s(string body)
    {
        var (status, error) = await PostAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
    }

    [Fact]
    public async Task A_body_over_the_size_limit_is_a_413()
    {
        var body = "{\"messages\": [{\"role\": \"user\", \"content\": \"" + new string('a', 2 * 1024 * 1024) + "\"}]}";

        var (status, error) = await PostAsync(body);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("request_too_large", error.GetProperty("code").GetString());
    }

    [Fact]
    public async Task The_api_key_is_required_compared_exactly_and_never_logged_while_health_stays_open()
    {
        using var anonymous = fixture.CreateHttpClient(withKey: false);
        using var wrongKey = fixture.CreateHttpClient(withKey: false);
        wrongKey.DefaultRequestHeaders.Authorization = new("Bearer", fixture.ApiKey + "x");
        using var prefixKey = fixture.CreateHttpClient(withKey: false);
        prefixKey.DefaultRequestHeaders.Authorization = new("Bearer", fixture.ApiKey[..^1]);
        using var rightKey = fixture.CreateHttpClient();

        foreach (var client in new[] { anonymous, wrongKey, prefixKey })
        {
            using var refused = await client.GetAsync(new Uri("v1/models", UriKind.Relative), TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Equal("invalid_api_key", (await ErrorOf(refused)).GetProperty("code").GetString());
        }

        using var models = await rightKey.GetAsync(new Uri("v1/models", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, models.StatusCode);
        Assert.Equal("Healthy", await anonymous.GetStringAsync(new Uri("health", UriKind.Relative), TestContext.Current.CancellationToken));
        Assert.DoesNotContain(fixture.ApiKey[..20], fixture.Server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_are_served_in_Prometheus_format_with_the_engine_and_GenAI_instruments()
    {
        var (status, _) = await PostAsync("{\"messages\": " + User + ", \"max_tokens\": 4}");
        Assert.Equal(HttpStatusCode.OK, status);
        using var client = fixture.CreateHttpClient(withKey: false);

        // Metrics are collected on scrape: the counters of the request above are there once it has finished.
        var metrics = await client.GetStringAsync(new Uri("metrics", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Contains("# TYPE urial_engine_prompt_tokens", metrics, StringComparison.Ordinal);
        Assert.Contains("urial_engine_running_requests", metrics, StringComparison.Ordinal);
        Assert.Contains("gen_ai_client_token_usage", metrics, StringComparison.Ordinal);
        Assert.Contains("http_server_request_duration_seconds", metrics, StringComparison.Ordinal);
    }

    private async Task<(HttpStatusCode Status, JsonElement Error)> PostAsync(string body)
    {
        using var client = fixture.CreateHttpClient();
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(new Uri("v1/chat/completions", UriKind.Relative), content, TestContext.Current.CancellationToken);
        return (response.StatusCode, response.IsSuccessStatusCode ? default : await ErrorOf(response));
    }

    private static async Task<JsonElement> ErrorOf(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        using var document = JsonDocument.Parse(text);
        return document.RootElement.GetProperty("error").Clone();
    }
}
