using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Urial.SemanticKernel.IntegrationTests.Remote;

/// <summary>A real llama-server behind a loopback fake that speaks vLLM's documented fields, with the remote engine detecting vLLM.</summary>
public sealed class VllmFakeChat : IAsyncLifetime
{
    public LlamaServer Server { get; private set; } = null!;

    public VllmFake Fake { get; private set; } = null!;

    public UrialChatClient Client { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Server = await LlamaServer.StartAsync();
        Fake = await VllmFake.StartAsync(Server);
        Client = UrialChatClient.FromServer(new UrialRemoteEngineOptions { Endpoints = { Fake.Address } });
        await Client.Engine.WarmUpAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await Fake.DisposeAsync();
        await Server.DisposeAsync();
    }
}

/// <summary>The chat contracts over vLLM's dialect (a loopback fake of vLLM's fields in front of the real llama-server).</summary>
public sealed class VllmChatContractTests(VllmFakeChat fixture) : ChatContractTests, IClassFixture<VllmFakeChat>
{
    protected override UrialChatClient Client => fixture.Client;

    [Fact]
    public void The_dialect_is_detected_and_the_context_and_model_come_from_v1_models()
    {
        Assert.Equal(VllmFake.ModelName, Engine.ModelId);
        Assert.Equal(8192, Engine.ContextSize);
    }

    [Fact]
    public async Task The_server_gets_the_rendered_prompt_and_a_CommonMark_reader_finds_exactly_its_turns()
    {
        await Client.GetResponseAsync(PromptFidelityTests.Adversarial, new ChatOptions { MaxOutputTokens = 2 }, Token);

        var tokens = fixture.Fake.Completions.Last()["prompt"]!.AsArray();
        PromptFidelityTests.AssertSameTurns(Client, await PromptFidelityTests.DetokenizeAsync(fixture.Server, tokens));
    }

    [Fact]
    public async Task Grammars_go_in_structured_outputs_and_the_prompt_as_tokens()
    {
        await Client.GetResponseAsync("Describe a cat.", new ChatOptions { ResponseFormat = ChatResponseFormat.Json, MaxOutputTokens = 60, AdditionalProperties = new() { ["json_max_string_length"] = 8 } }, Token);

        var body = fixture.Fake.Completions.Last();
        Assert.NotNull(body["structured_outputs"]?["grammar"]);
        Assert.IsType<JsonArray>(body["prompt"]);
        Assert.Equal(-1, body["top_k"]!.GetValue<int>());
    }
}

/// <summary>Older vLLM versions (before 0.10.2) take grammars in <c>guided_grammar</c>.</summary>
public sealed class VllmLegacyDialectTests
{
    [Fact]
    public async Task Grammars_go_in_guided_grammar_before_0_10_2()
    {
        var token = TestContext.Current.CancellationToken;
        await using var server = await LlamaServer.StartAsync(slots: 1, cancellationToken: token);
        await using var fake = await VllmFake.StartAsync(server, version: "0.9.2");
        await using var engine = new UrialRemoteEngine(new UrialRemoteEngineOptions { Endpoints = { fake.Address } });

        var text = string.Concat(await engine.GenerateAsync(new GenerationRequest("Once upon a time") { Grammar = new GenerationGrammar("root ::= \"yes\" | \"no\""), MaxOutputTokens = 8 }, token).Select(u => u.Text).ToListAsync(token));

        Assert.Contains(text, new[] { "yes", "no" });
        Assert.NotNull(fake.Completions.Single()["guided_grammar"]);
    }

    [Fact]
    public async Task A_request_beyond_max_model_len_is_refused_before_it_is_sent()
    {
        var token = TestContext.Current.CancellationToken;
        await using var server = await LlamaServer.StartAsync(slots: 1, cancellationToken: token);
        await using var fake = await VllmFake.StartAsync(server, maxModelLength: 128);
        await using var engine = new UrialRemoteEngine(new UrialRemoteEngineOptions { Endpoints = { fake.Address } });

        await Assert.ThrowsAsync<UrialContextLengthExceededException>(async () => await engine.GenerateAsync(new GenerationRequest(string.Join(' ', Enumerable.Repeat("cat", 200))), token).ToListAsync(token));

        Assert.Empty(fake.Completions);
    }
}
