using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Urial.SemanticKernel.IntegrationTests.Remote;

/// <summary>
/// llama-server's hazards (../shared/bin/README.md), each shown on the real server with a raw request, then shown impossible
/// through the remote engine: silent prompt truncation, silently ignored invalid grammars, process-killing lazy grammars,
/// and control-token text parsed as control tokens.
/// </summary>
public sealed class ServerHazardTests(LlamaServerChat fixture) : IClassFixture<LlamaServerChat>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_prompt_longer_than_a_slot_is_truncated_silently_by_the_server_and_refused_by_the_engine()
    {
        await using var server = await LlamaServer.StartAsync(contextPerSlot: 256, slots: 1, cancellationToken: Token);
        var prompt = string.Join(' ', Enumerable.Repeat("The cat sat on the mat.", 80));
        using var http = new HttpClient();
        var raw = await PostAsync(http, server, new JsonObject { ["prompt"] = prompt, ["n_predict"] = 4 });
        Assert.True(raw.GetProperty("truncated").GetBoolean(), "the server drops the middle of the prompt and answers 200");

        await using var engine = new UrialRemoteEngine(new UrialRemoteEngineOptions { Endpoints = { server.Address } });
        await engine.WarmUpAsync(Token);
        var error = await Assert.ThrowsAsync<UrialContextLengthExceededException>(async () =>
        {
            await foreach (var update in engine.GenerateAsync(new GenerationRequest(prompt) { MaxOutputTokens = 4 }, Token))
            {
                Assert.Fail("nothing may be generated from a prompt the server would truncate");
            }
        });
        Assert.Equal(256, engine.ContextSize);
        Assert.Contains("256", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_grammar_is_ignored_silently_by_the_server_and_refused_by_the_engine()
    {
        const string Grammar = "root ::= \"yes\" | undefined-rule";
        await using var proxy = await FaultProxy.StartAsync(fixture.Server);
        using var http = new HttpClient();
        var raw = await PostAsync(http, fixture.Server, new JsonObject { ["prompt"] = "Once upon a time", ["n_predict"] = 8, ["grammar"] = Grammar });
        Assert.NotEqual("yes", raw.GetProperty("content").GetString()); // HTTP 200, unconstrained output

        var error = await RefusedAsync(proxy, Grammar);
        Assert.Contains("undefined rule 'undefined-rule'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("%llguidance {}\nstart: \"yes\"", "not valid GBNF")] // llama-server aborts on an llguidance grammar
    [InlineData("root ::= \"a\"{5,2}", "maximum below its minimum")] // llama.cpp's parser loops for 2^64 repetitions
    [InlineData("root ::= \"yes\" | undefined_rule", "not valid GBNF")] // '_' is no rule-name character for llama.cpp
    public async Task A_grammar_llama_cpp_would_ignore_or_die_on_never_reaches_the_server(string grammar, string reason)
    {
        await using var proxy = await FaultProxy.StartAsync(fixture.Server);

        var error = await RefusedAsync(proxy, grammar);

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_grammar_nested_deeper_than_the_bound_never_reaches_the_server()
    {
        await using var proxy = await FaultProxy.StartAsync(fixture.Server);
        var depth = GbnfLimits.MaxNestingDepth + 1;

        var error = await RefusedAsync(proxy, "root ::= " + new string('(', depth) + "\"x\"" + new string(')', depth));

        Assert.Contains("nested more than", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Once upon a time", "ther", "therX")] // the trigger ends inside the token " there": the grammar must accept that token's rest, and does not
    [InlineData("Once upon a time, there was a little girl named", "Lily", "Lily!")] // a one-token trigger becomes a token trigger with its leading space (" Lily")
    public async Task A_lazy_grammar_kills_the_server_while_the_engine_serves_the_same_trigger_safely(string prompt, string trigger, string constrainedStart)
    {
        var grammar = $"root ::= {JsonSerializer.Serialize(constrainedStart)} [a-z ]{{0,20}}";
        await using (var doomed = await LlamaServer.StartAsync(slots: 1, cancellationToken: Token))
        {
            using var http = new HttpClient();
            var body = new JsonObject
            {
                ["prompt"] = prompt,
                ["n_predict"] = 16,
                ["temperature"] = 0,
                ["grammar"] = grammar,
                ["grammar_lazy"] = true,
                ["grammar_trigger_words"] = new JsonArray(new JsonObject { ["word"] = trigger, ["at_start"] = false }),
            };
            await Assert.ThrowsAnyAsync<HttpRequestException>(() => http.PostAsJsonAsync(new Uri(doomed.Address, "completion"), body, Token));
            await doomed.WaitForExitAsync(Token); // the abort takes the whole process, not just the request
            Assert.True(doomed.HasExited);
        }

        await using var server = await LlamaServer.StartAsync(slots: 1, cancellationToken: Token);
        await using var engine = new UrialRemoteEngine(new UrialRemoteEngineOptions { Endpoints = { server.Address } });
        var request = new GenerationRequest(prompt) { Grammar = new GenerationGrammar(grammar) { Trigger = trigger }, MaxOutputTokens = 16, Sampling = SamplingParameters.Default with { RepetitionPenalty = 1f } };
        var text = string.Concat(await engine.GenerateAsync(request, Token).Select(u => u.Text).ToListAsync(Token));

        Assert.Contains(constrainedStart, text, StringComparison.Ordinal); // the grammar took over at the trigger
        Assert.False(server.HasExited);
        using var health = new HttpClient();
        Assert.True((await health.GetAsync(new Uri(server.Address, "health"), Token)).IsSuccessStatusCode);
    }

    [Fact]
    public async Task Control_token_text_becomes_a_control_token_on_the_server_but_never_through_the_engine()
    {
        await using var server = await LlamaServer.StartAsync(slots: 1, cancellationToken: Token);
        await using var proxy = await FaultProxy.StartAsync(server);
        using var http = new HttpClient();
        var eos = Tokens(await PostAsync(http, server, new JsonObject { ["content"] = "</s>" }, "tokenize")).Single();
        var bos = Tokens(await PostAsync(http, server, new JsonObject { ["content"] = "<s>" }, "tokenize")).Single();
        await using var client = UrialChatClient.FromServer(new UrialRemoteEngineOptions { Endpoints = { proxy.Address } });
        var rendered = client.RenderPrompt([new ChatMessage(ChatRole.User, "Hello </s><s> world")]);
        Assert.Contains(eos, Tokens(await PostAsync(http, server, new JsonObject { ["content"] = rendered }, "tokenize"))); // the hazard

        await client.GetResponseAsync("Hello </s><s> world", new ChatOptions { MaxOutputTokens = 4 }, Token);

        var sent = proxy.Requests.Single(r => r.Path == "completion");
        var prompt = JsonNode.Parse(sent.Body)!["prompt"]!.AsArray().Select(t => t!.GetValue<int>()).ToList();
        Assert.Equal(bos, prompt[0]);
        Assert.DoesNotContain(eos, prompt);
        Assert.DoesNotContain(bos, prompt.Skip(1));
    }

    /// <summary>Sends a request with <paramref name="grammar"/> through the engine; asserts it failed before any completion request reached the proxy.</summary>
    private static async Task<ArgumentException> RefusedAsync(FaultProxy proxy, string grammar)
    {
        await using var engine = new UrialRemoteEngine(new UrialRemoteEngineOptions { Endpoints = { proxy.Address } });
        await engine.WarmUpAsync(Token);
        var error = await Assert.ThrowsAsync<ArgumentException>(async () =>
        {
            await foreach (var update in engine.GenerateAsync(new GenerationRequest("Once upon a time") { Grammar = new GenerationGrammar(grammar) }, Token))
            {
                Assert.Fail("an invalid grammar must never be sent");
            }
        });
        Assert.NotEmpty(proxy.Requests); // the engine did talk to the server (warm-up)...
        Assert.Equal(0, proxy.CompletionRequests); // ...but never asked it to complete under that grammar
        return error;
    }

    private static int[] Tokens(JsonElement root) => [.. root.GetProperty("tokens").EnumerateArray().Select(t => t.GetInt32())];

    private static async Task<JsonElement> PostAsync(HttpClient http, LlamaServer server, JsonObject body, string path = "completion")
    {
        using var response = await http.PostAsJsonAsync(new Uri(server.Address, path), body, Token);
        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token));
        return document.RootElement.Clone();
    }
}
