using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Urial.SemanticKernel.Tests.Chat;

/// <summary>
/// Auto tool mode through the real chat client, deterministically: a scripted engine streams the text a model would
/// write (its trigger, rewind and grammar are the engine's, tested on the real model elsewhere), and the client must
/// request the lazy grammar, stream the text, and turn the call into a validated <see cref="FunctionCallContent"/>.
/// </summary>
public class AutoToolModeTests
{
    private static readonly AIFunction Weather = AIFunctionFactory.Create((string city, [System.ComponentModel.DataAnnotations.Range(1, 7)] int days) => $"{days} days in {city}", "Weather_Get", "Gets a forecast.");

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static ChatOptions Auto(int? maxOutputTokens = 300) => new() { Tools = [Weather], ToolMode = ChatToolMode.Auto, MaxOutputTokens = maxOutputTokens };

    [Fact]
    public async Task Text_then_a_call_streams_the_text_and_returns_the_call()
    {
        var engine = new ScriptedEngine(GenerationFinishReason.Stop, "Let me ", "check.\n", "<tool_call>\n{\"name\":\"Weather_Get\",", "\"arguments\":{\"city\":\"Lyon\",\"days\":3}}\n</tool_call>");
        using var client = new UrialChatClient(engine);

        var streamed = new StringBuilder();
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync("Weather in Lyon?", Auto(), Token))
        {
            streamed.Append(update.Text);
            updates.Add(update);
        }

        Assert.Equal("Let me check.\n", streamed.ToString());
        var call = Assert.Single(updates.SelectMany(u => u.Contents).OfType<FunctionCallContent>());
        Assert.Equal("Weather_Get", call.Name);
        Assert.Null(call.Exception);
        Assert.Equal(ChatFinishReason.ToolCalls, updates[^1].FinishReason);

        // The request asked for the lazy call grammar, with room reserved so that a call started late still closes.
        var grammar = Assert.Single(engine.Requests).Grammar!;
        Assert.Equal("<tool_call>", grammar.Trigger);
        Assert.InRange(grammar.ReservedOutputTokens, 1, 300);
        Assert.True(GbnfLengthBound.MaxBytes(grammar.Gbnf) < grammar.ReservedOutputTokens, "the reserve covers the longest call");
    }

    [Fact]
    public async Task Plain_text_passes_through()
    {
        var engine = new ScriptedEngine(GenerationFinishReason.Stop, "It is ", "sunny.");
        using var client = new UrialChatClient(engine);

        var response = await client.GetResponseAsync("Weather?", Auto(), Token);

        Assert.Equal("It is sunny.", response.Text);
        Assert.Empty(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
    }

    [Fact]
    public async Task With_no_room_for_a_call_the_answer_is_text_and_the_marker_ends_it()
    {
        var engine = new ScriptedEngine(GenerationFinishReason.Stop, "Hm.");
        using var client = new UrialChatClient(engine);

        var response = await client.GetResponseAsync("Weather?", Auto(maxOutputTokens: 8), Token);

        Assert.Equal("Hm.", response.Text);
        var request = Assert.Single(engine.Requests);
        Assert.Null(request.Grammar);
        Assert.Contains("<tool_call>", request.StopSequences);
    }

    [Fact]
    public async Task A_call_cut_by_the_budget_fails_and_its_markup_never_reaches_the_caller()
    {
        var engine = new ScriptedEngine(GenerationFinishReason.Length, "Sure.\n", "<tool_call>\n{ \"name\" : \"Weather_Get\", \"arguments\": { \"city\" : \" a whee");
        using var client = new UrialChatClient(engine);

        var streamed = new StringBuilder();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync("Weather?", Auto(), Token))
            {
                streamed.Append(update.Text);
            }
        });

        Assert.Equal("Sure.\n", streamed.ToString());
        Assert.Contains("MaxOutputTokens", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_arguments_are_reported_to_the_model_by_FunctionInvokingChatClient()
    {
        var engine = new SequenceEngine(
            new ScriptedEngine(GenerationFinishReason.Stop, "<tool_call>\n{\"name\":\"Weather_Get\",\"arguments\":{\"city\":\"Lyon\",\"days\":9}}\n</tool_call>"),
            new ScriptedEngine(GenerationFinishReason.Stop, "Sorry."));
        using var leaf = new UrialChatClient(engine);
        using var client = leaf.AsBuilder().UseFunctionInvocation(configure: c => c.IncludeDetailedErrors = true).Build();

        var response = await client.GetResponseAsync("Weather?", Auto(), Token);

        var result = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>());
        Assert.Contains("maximum", result.Result?.ToString(), StringComparison.Ordinal);
        Assert.Contains("/days", result.Result?.ToString(), StringComparison.Ordinal);
        Assert.Contains("\"days\":9", engine.Prompts[^1], StringComparison.Ordinal); // the call is shown to the model as it wrote it
    }

    [Fact]
    public async Task With_a_response_format_the_grammar_has_both_branches_on_every_iteration()
    {
        var schema = JsonDocument.Parse("""{"type":"object","properties":{"n":{"type":"integer"}},"required":["n"]}""").RootElement;
        var engine = new SequenceEngine(
            new ScriptedEngine(GenerationFinishReason.Stop, "<tool_call>\n{\"name\":\"Weather_Get\",\"arguments\":{\"city\":\"Lyon\",\"days\":2}}\n</tool_call>"),
            new ScriptedEngine(GenerationFinishReason.Stop, "{\"n\":", "4}"));
        using var leaf = new UrialChatClient(engine);
        using var client = leaf.AsBuilder().UseFunctionInvocation().Build();
        var options = Auto();
        options.ResponseFormat = ChatResponseFormat.ForJsonSchema(schema);

        var response = await client.GetResponseAsync("Weather?", options, Token);

        Assert.Equal("{\"n\":4}", response.Messages[^1].Text);
        Assert.Equal(2, engine.Grammars.Count);
        Assert.All(engine.Grammars, g => Assert.Null(g!.Trigger)); // constrained from the first token: call or answer
        Assert.All(engine.Grammars, g => Assert.StartsWith("root ::= call | ", g!.Gbnf, StringComparison.Ordinal));
    }

    /// <summary>Serves one scripted engine per request, in order.</summary>
    private sealed class SequenceEngine(params ScriptedEngine[] engines) : IUrialEngine
    {
        private int _next;

        public List<string> Prompts { get; } = [];

        public List<GenerationGrammar?> Grammars { get; } = [];

        public string ModelId => "scripted";

        public int ContextSize => 4096;

        public Task WarmUpAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

        public ValueTask<int> CountTokensAsync(string text, CancellationToken cancellationToken = default) => ValueTask.FromResult(text.Length);

        public UrialEngineHealth GetHealth() => new() { Status = UrialEngineStatus.Healthy, Description = "scripted" };

        public IAsyncEnumerable<GenerationUpdate> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken = default)
        {
            Prompts.Add(request.Prompt);
            Grammars.Add(request.Grammar);
            return engines[_next++].GenerateAsync(request, cancellationToken);
        }

        public void Dispose()
        {
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
