using Microsoft.Extensions.AI;

namespace Urial.SemanticKernel.IntegrationTests.Remote;

/// <summary>The plain OpenAI-compatible dialect, on llama-server's own <c>/v1/completions</c> (only OpenAI's fields are sent).</summary>
public sealed class PlainDialectTests(LlamaServerChat fixture) : IClassFixture<LlamaServerChat>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private UrialChatClient Client() => UrialChatClient.FromServer(
        new UrialRemoteEngineOptions { Endpoints = { fixture.Server.Address }, Dialect = UrialRemoteDialect.OpenAICompatible, ContextSize = 8192, Model = "plain" });

    [Fact]
    public async Task Free_text_streams_with_usage_and_the_prompt_markers_cut()
    {
        await using var client = Client();

        var response = await client.GetResponseAsync("Hi", new ChatOptions { MaxOutputTokens = 120, AdditionalProperties = new() { ["repeat_penalty"] = 1.0 } }, Token);

        Assert.Equal("plain", response.ModelId);
        Assert.DoesNotContain("# Query", response.Text, StringComparison.Ordinal);
        Assert.True(response.Usage!.InputTokenCount > 1000);
        Assert.InRange(response.Usage.OutputTokenCount!.Value, 1, 120);
        Assert.True(await client.Engine.CountTokensAsync("Hi", Token) >= 3, "an upper bound: UTF-8 bytes plus BOS and a leading space");
    }

    [Fact]
    public async Task A_grammar_request_is_refused_with_what_to_use_instead()
    {
        await using var client = Client();

        var error = await Assert.ThrowsAsync<NotSupportedException>(() => client.GetResponseAsync("Describe a cat.", new ChatOptions { ResponseFormat = ChatResponseFormat.Json, MaxOutputTokens = 40 }, Token));

        Assert.Contains("llama-server or vLLM", error.Message, StringComparison.Ordinal);
    }
}
