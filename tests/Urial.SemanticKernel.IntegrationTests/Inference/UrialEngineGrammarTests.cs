using System.Text;
using System.Text.Json;

namespace Urial.SemanticKernel.IntegrationTests.Inference;

/// <summary>Grammar-constrained decoding through the engine on the real model.</summary>
public sealed class UrialEngineGrammarTests : IAsyncLifetime
{
    private const string Grammar = """
        root ::= "<call>" "{\"n\":" [0-9] [0-9]? "}" "</call>"
        """;

    /// <summary>The model's byte-fallback tokens for bytes 80–FF (no other token's text is a lone such byte), read from a copy of its vocabulary.</summary>
    private static readonly Lazy<Dictionary<byte, int>> ByteTokens = new(() =>
    {
        using var weights = LLama.LLamaWeights.LoadFromFile(new LLama.Common.ModelParams(TestModel.Path) { GpuLayerCount = 0 });
        var tokens = new Dictionary<byte, int>();
        Span<byte> piece = stackalloc byte[64];
        for (var id = 0; id < weights.NativeHandle.Vocab.Count; id++)
        {
            var length = (int)weights.NativeHandle.TokenToSpan((LLama.Native.LLamaToken)id, piece, 0, false);
            if (length == 1 && piece[0] >= 0x80)
            {
                tokens[piece[0]] = id;
            }
        }

        return tokens;
    });

    private readonly UrialEngine _engine = new(new UrialEngineOptions { ModelPath = TestModel.Path });

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _engine.DisposeAsync();

    private async Task<(string Text, GenerationUpdate Last)> RunAsync(GenerationRequest request)
    {
        var text = new StringBuilder();
        GenerationUpdate? last = null;
        await foreach (var update in _engine.GenerateAsync(request, Token))
        {
            text.Append(update.Text);
            last = update;
        }

        return (text.ToString(), last!);
    }

    [Fact]
    public async Task A_grammar_constrains_the_completion_from_the_first_token()
    {
        var (text, last) = await RunAsync(new GenerationRequest("Once upon a time") { Grammar = new GenerationGrammar(Grammar), MaxOutputTokens = 40 });

        Assert.Matches("^<call>\\{\"n\":[0-9]{1,2}\\}</call>$", text);
        Assert.Equal(GenerationFinishReason.Stop, last.FinishReason);
    }

    [Fact]
    public async Task A_trigger_switches_from_free_text_to_the_grammar_at_a_token_boundary()
    {
        const string Prompt = "Once upon a time, there was a little girl named Lily.";
        var (free, _) = await RunAsync(new GenerationRequest(Prompt) { MaxOutputTokens = 40 });
        var trigger = free.Substring(free.Length / 3, 4); // appears in the free continuation, likely mid-token
        var grammar = $"root ::= {JsonSerializer.Serialize(trigger)} \"<call>\" [0-9] \"</call>\"";

        var (text, last) = await RunAsync(new GenerationRequest(Prompt) { Grammar = new GenerationGrammar(grammar) { Trigger = trigger }, MaxOutputTokens = 40 });

        var before = free[..free.IndexOf(trigger, StringComparison.Ordinal)];
        Assert.StartsWith(before + trigger + "<call>", text, StringComparison.Ordinal);
        Assert.Matches("<call>[0-9]</call>$", text);
        Assert.Equal(GenerationFinishReason.Stop, last.FinishReason);
    }

    /// <summary>
    /// Found by <c>SchemaSamplingPropertyTests</c>: llama.cpp's grammar accepts <c>F0 84 B8 AD</c> as "中" (an overlong
    /// encoding no UTF-8 decoder reads as that character) once a 4-byte character elsewhere in the grammar lets <c>F0</c>
    /// through. The biases push the model down exactly that path; the answer must still be one of the grammar's strings.
    /// </summary>
    [Fact]
    public async Task A_character_split_across_byte_tokens_is_always_well_formed_UTF8()
    {
        var bias = new Dictionary<int, float> { [ByteTokens.Value[0xF0]] = 50f, [ByteTokens.Value[0x84]] = 50f };
        var request = new GenerationRequest("Once upon a time")
        {
            Grammar = new GenerationGrammar("root ::= \"中\" | \"😀\""),
            MaxOutputTokens = 8,
            Sampling = new SamplingParameters { RepetitionPenalty = 1f, LogitBias = bias },
        };

        var (text, last) = await RunAsync(request);

        Assert.DoesNotContain('\uFFFD', text);
        Assert.Contains(text, new[] { "中", "😀" });
        Assert.Equal(GenerationFinishReason.Stop, last.FinishReason);
    }

    [Fact]
    public async Task An_invalid_grammar_fails_the_request_and_the_engine_keeps_serving()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => RunAsync(new GenerationRequest("Once") { Grammar = new GenerationGrammar("root ::= undefined_rule") }));
        Assert.Contains("grammar", error.Message, StringComparison.OrdinalIgnoreCase);

        var (text, _) = await RunAsync(new GenerationRequest("Once upon a time") { MaxOutputTokens = 4 });
        Assert.NotEmpty(text);
    }

    [Fact]
    public async Task Structured_output_from_a_schema_parses_as_json()
    {
        using var schema = JsonDocument.Parse("""{"type":"object","properties":{"name":{"type":"string","maxLength":12},"age":{"type":"integer","minimum":0,"maximum":9}},"required":["name","age"],"additionalProperties":false}""");
        var gbnf = JsonSchemaGrammar.FromSchema(schema.RootElement, JsonGrammarLimits.Default);

        var (text, last) = await RunAsync(new GenerationRequest("Once upon a time") { Grammar = new GenerationGrammar(gbnf), MaxOutputTokens = 60, Sampling = new SamplingParameters { Temperature = 0.8f, Seed = 3 } });

        Assert.Equal(GenerationFinishReason.Stop, last.FinishReason);
        using var parsed = JsonDocument.Parse(text);
        Assert.InRange(parsed.RootElement.GetProperty("age").GetInt32(), 0, 9);
    }
}
