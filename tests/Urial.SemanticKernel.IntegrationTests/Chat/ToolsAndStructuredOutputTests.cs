using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Urial.SemanticKernel.IntegrationTests.Chat;

/// <summary>Tools and structured output together, on the real model: one grammar with both branches, bounds, budgets and knobs.</summary>
public sealed class ToolsAndStructuredOutputTests(SharedChatClient fixture) : IClassFixture<SharedChatClient>
{
    /// <summary>The test model's token for "&lt;", the first character of the call marker (and never of a JSON answer).</summary>
    private const int CallMarkerToken = 504;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public sealed record Pet(string Name, string Species, int Age, List<string> Tags, Owner Owner);

    public sealed record Owner(string Name, [property: Description("years")] int Years);

    private static AIFunction Weather { get; } = AIFunctionFactory.Create(([Description("The city")] string city) => $"Sunny in {city}", "Weather_Get", "Gets the weather.");

    private static ChatOptions Biased(double bias, int maxOutputTokens) => new()
    {
        MaxOutputTokens = maxOutputTokens,
        AdditionalProperties = new() { ["logit_bias"] = new Dictionary<string, object> { [CallMarkerToken.ToString(CultureInfo.InvariantCulture)] = bias } },
    };

    /// <summary>Issue 11: ResponseFormat was dropped when tools were present, so GetResponseAsync&lt;T&gt; returned story text.</summary>
    [Fact]
    public async Task GetResponseAsync_of_a_record_with_tools_present_returns_a_valid_record()
    {
        var options = Biased(-100, 400); // the answer branch: the model is steered away from the call marker
        options.Tools = [Weather];
        options.ToolMode = ChatToolMode.Auto;

        var response = await fixture.Client.GetResponseAsync<Pet>("Tell me about a pet.", options, cancellationToken: Token);

        Assert.True(response.TryGetResult(out var pet), response.Text);
        Assert.NotNull(pet!.Owner);
        Assert.NotNull(pet.Tags);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
    }

    /// <summary>Issue 11: with 5 fields, a string array and a nested object, 400 tokens cut the JSON; the budget now bounds the grammar.</summary>
    [Fact]
    public async Task A_structured_answer_closes_within_MaxOutputTokens()
    {
        foreach (var budget in (int[])[140, 220, 400])
        {
            var response = await fixture.Client.GetResponseAsync<Pet>("Tell me about a pet.", new ChatOptions { MaxOutputTokens = budget, Temperature = 1, Seed = budget }, cancellationToken: Token);

            Assert.True(response.TryGetResult(out _), response.Text);
            Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
            Assert.InRange(response.Usage!.OutputTokenCount!.Value, 1, budget);
        }
    }

    [Fact]
    public async Task A_budget_too_small_for_any_answer_fails_up_front_naming_MaxOutputTokens_and_the_size_needed()
    {
        var error = await Assert.ThrowsAnyAsync<ArgumentException>(() => fixture.Client.GetResponseAsync<Pet>("Tell me about a pet.", new ChatOptions { MaxOutputTokens = 20 }, cancellationToken: Token));

        Assert.Contains("MaxOutputTokens = 20", error.Message, StringComparison.Ordinal);
        Assert.Matches(@"at least \d+", error.Message);
    }

    /// <summary>Auto tool mode with a JSON response format on the real model: one grammar, the call branch chosen by the first token.</summary>
    [Fact]
    public async Task In_auto_mode_with_a_response_format_the_model_may_call_a_tool()
    {
        var schema = JsonDocument.Parse("""{"type":"object","properties":{"answer":{"type":"string"}},"required":["answer"]}""").RootElement;
        var options = Biased(100, 200);
        options.Tools = [Weather];
        options.ToolMode = ChatToolMode.Auto;
        options.ResponseFormat = ChatResponseFormat.ForJsonSchema(schema);

        var response = await fixture.Client.GetResponseAsync("Will it rain in Paris?", options, Token);

        var call = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.Equal("Weather_Get", call.Name);
        Assert.Null(call.Exception);
        Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
        Assert.DoesNotContain("tool_call", response.Text, StringComparison.Ordinal);
    }

    /// <summary>Issue 10: a 5,000-link $defs chain in a response format killed the process; it is now a clear exception.</summary>
    [Fact]
    public async Task A_long_ref_chain_in_a_response_format_throws_naming_the_limit_and_the_pointer()
    {
        var schema = JsonDocument.Parse(RefChain(5000)).RootElement;

        var error = await Assert.ThrowsAsync<ArgumentException>(() => fixture.Client.GetResponseAsync("Hi", new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(schema) }, Token));

        Assert.Contains("MaxRefChain = 32", error.Message, StringComparison.Ordinal);
        Assert.Contains("'#/$defs/a", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Issue 10: the same chain as a tool's parameter schema.</summary>
    [Fact]
    public async Task A_long_ref_chain_in_a_tool_schema_throws_naming_the_limit_and_the_pointer()
    {
        var tool = AIFunctionFactory.CreateDeclaration("Chain_Tool", "A tool with a long chain.", JsonDocument.Parse(RefChain(5000)).RootElement);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => fixture.Client.GetResponseAsync("Hi", new ChatOptions { Tools = [tool], ToolMode = ChatToolMode.RequireAny }, Token));

        Assert.Contains("MaxRefChain = 32", error.Message, StringComparison.Ordinal);
        Assert.Contains("Chain_Tool", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_logit_bias_outside_the_vocabulary_is_rejected_before_any_native_call()
    {
        var options = new ChatOptions { AdditionalProperties = new() { ["logit_bias"] = new Dictionary<string, object> { ["100000"] = 5.0 } } };

        var error = await Assert.ThrowsAsync<ArgumentException>(() => fixture.Client.GetResponseAsync("Hi", options, Token));

        Assert.Contains("LogitBias", error.Message, StringComparison.Ordinal);
        Assert.Contains("100000", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_logit_bias_reaches_the_sampler()
    {
        var response = await fixture.Client.GetResponseAsync("Tell me a story.", Biased(100, 8), Token);

        Assert.Equal(new string('<', (int)response.Usage!.OutputTokenCount!.Value), response.Text); // without the bias the model never writes '<'
    }

    internal static string RefChain(int links)
    {
        var defs = string.Join(",", Enumerable.Range(0, links).Select(i => $"\"a{i}\":{{\"$ref\":\"#/$defs/a{i + 1}\"}}"));
        return "{\"type\":\"object\",\"properties\":{\"x\":{\"$ref\":\"#/$defs/a0\"}},\"required\":[\"x\"],\"$defs\":{" + defs + ",\"a" + links + "\":{\"type\":\"boolean\"}}}";
    }
}
