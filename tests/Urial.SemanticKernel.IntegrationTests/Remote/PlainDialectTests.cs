using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Urial.SemanticKernel.IntegrationTests.Remote;

/// <summary>The plain OpenAI-compatible dialect, on llama-server's own <c>/v1/completions</c> (only OpenAI's fields are sent): free text, and grammars validated after decoding.</summary>
public sealed class PlainDialectTests(LlamaServerChat fixture) : IClassFixture<LlamaServerChat>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private UrialChatClient Client() => Client(fixture.Server.Address);

    private static UrialChatClient Client(Uri server) => UrialChatClient.FromServer(
        new UrialRemoteEngineOptions { Endpoints = { server }, Dialect = UrialRemoteDialect.OpenAICompatible, ContextSize = 8192, Model = "plain" });

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
    public async Task A_required_call_whose_structure_the_grammar_spells_out_is_written_without_asking_the_server()
    {
        await using var proxy = await FaultProxy.StartAsync(fixture.Server);
        await using var client = Client(proxy.Address);
        var tool = AIFunctionFactory.Create(() => "night", "Story_GetTime", "Gets the story time.");

        var response = await client.GetResponseAsync("What time is it?", new ChatOptions { Tools = [tool], ToolMode = ChatToolMode.RequireAny, MaxOutputTokens = 200 }, Token);

        var call = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.Equal("Story_GetTime", call.Name);
        PlainDialectRepairTests.AssertValid(tool.JsonSchema, call.Arguments);
        Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
        Assert.Equal(0, proxy.CompletionRequests); // a function without parameters leaves the model nothing to choose
    }

    [Fact]
    public async Task A_required_call_is_decoded_freely_and_validated_against_the_tools_schema()
    {
        await using var client = Client(fixture.Server.Address);
        var tool = AIFunctionFactory.Create((string city) => "ok", "Home_Set", "Sets the home city.");
        var options = new ChatOptions { Tools = [tool], ToolMode = ChatToolMode.RequireAny, MaxOutputTokens = 200, AdditionalProperties = new() { ["json_max_string_length"] = 12 } };

        var response = await client.GetResponseAsync("Where do you live?", options, Token);

        var call = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.Equal("Home_Set", call.Name);
        PlainDialectRepairTests.AssertValid(tool.JsonSchema, call.Arguments);
        Assert.InRange(response.Usage!.OutputTokenCount!.Value, 1, 200); // the value is the model's: the structure around it is not asked for
    }

    [Fact]
    public async Task An_answer_that_leaves_its_grammar_again_after_the_repair_request_fails_naming_the_server_and_is_never_returned()
    {
        await using var proxy = await FaultProxy.StartAsync(fixture.Server);
        await using var client = Client(proxy.Address);
        var options = new ChatOptions { ResponseFormat = ChatResponseFormat.Json, MaxOutputTokens = 60, AdditionalProperties = new() { ["json_max_string_length"] = 8 } };

        // This model writes stories, not JSON: after the "{" every object starts with, it leaves the grammar, twice.
        var error = await Assert.ThrowsAsync<UrialRemoteEngineException>(() => client.GetResponseAsync("Describe a cat.", options, Token));

        Assert.Equal(proxy.Address, error.Endpoint);
        Assert.Equal(System.Net.HttpStatusCode.OK, error.StatusCode);
        Assert.Contains("left the grammar after \"{\", also after a repair request", error.Message, StringComparison.Ordinal);
        Assert.Contains("llama-server or vLLM", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, proxy.CompletionRequests); // the answer, then one repair
        var repair = JsonNode.Parse(proxy.Requests.Where(r => r.Path.EndsWith("completions", StringComparison.Ordinal)).Last().Body)!;
        Assert.EndsWith("{", repair["prompt"]!.GetValue<string>(), StringComparison.Ordinal); // continued from the last valid character
    }
}
