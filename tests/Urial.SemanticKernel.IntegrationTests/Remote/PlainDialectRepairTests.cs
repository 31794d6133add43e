using System.Text.Json;
using Json.Schema;
using Microsoft.Extensions.AI;

namespace Urial.SemanticKernel.IntegrationTests.Remote;

/// <summary>
/// The repair of an answer that left its grammar, on a server that cannot constrain output: scripted answers (a real model
/// cannot be steered into leaving a grammar at a chosen point) show the repair request continuing from the last valid
/// character after the structure the grammar requires there, and the result is checked by JsonSchema.Net, not by the grammar.
/// </summary>
public sealed class PlainDialectRepairTests
{
    private static readonly AIFunction s_forecast = AIFunctionFactory.Create((string city, int days) => "sunny", "Weather_Forecast", "Gets a forecast.");

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_required_call_that_leaves_its_grammar_is_repaired_from_its_last_valid_character()
    {
        await using var server = await ScriptedCompletionsServer.StartAsync((request, _) => request == 0 ? "Paris\",\"days\":\"three\"}}" : "3}}\n</tool_call>\n```\n# Query:");
        await using var client = Client(server);

        var response = await client.GetResponseAsync("Will it rain in Paris?", new ChatOptions { Tools = [s_forecast], ToolMode = ChatToolMode.RequireAny, MaxOutputTokens = 1000 }, Token);

        var call = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.Equal(("Weather_Forecast", "Paris", "3"), (call.Name, call.Arguments!["city"]!.ToString(), call.Arguments["days"]!.ToString()));
        AssertValid(s_forecast.JsonSchema, call.Arguments);
        Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
        var prompts = server.Prompts.ToArray();
        Assert.Equal(2, prompts.Length);
        Assert.EndsWith("<tool_call>\n{\"name\":\"Weather_Forecast\",\"arguments\":{\"city\":\"", prompts[0], StringComparison.Ordinal); // the structure, written for the model
        Assert.Equal(prompts[0] + "Paris\",\"days\":", prompts[1]); // the repair continues after the last valid character
    }

    [Fact]
    public async Task An_auto_call_after_text_is_validated_and_repaired_while_the_text_before_it_streams()
    {
        await using var server = await ScriptedCompletionsServer.StartAsync((request, _) => request switch
        {
            0 => "Let me look that up. <tool_call>\n{\"name\": \"Weather_Forecast\"",
            1 => "Oslo\", \"days\": two}}",
            _ => "2}}\n</tool_call>",
        });
        await using var client = Client(server);
        var updates = new List<ChatResponseUpdate>();

        await foreach (var update in client.GetStreamingResponseAsync("Will it snow in Oslo?", new ChatOptions { Tools = [s_forecast], ToolMode = ChatToolMode.Auto, MaxOutputTokens = 1000 }, Token))
        {
            updates.Add(update);
        }

        var response = updates.ToChatResponse();
        Assert.Equal("Let me look that up. ", response.Text);
        var call = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.Equal(("Oslo", "2"), (call.Arguments!["city"]!.ToString(), call.Arguments["days"]!.ToString()));
        AssertValid(s_forecast.JsonSchema, call.Arguments);
        var prompts = server.Prompts.ToArray();
        Assert.Equal(3, prompts.Length); // the text up to the trigger, the call, its repair
        Assert.Equal(prompts[0] + "Let me look that up. <tool_call>\n{\"name\":\"Weather_Forecast\",\"arguments\":{\"city\":\"", prompts[1]);
        Assert.Equal(prompts[1] + "Oslo\",\"days\":", prompts[2]); // compact JSON: the grammar allows no space after the comma
    }

    [Fact]
    public async Task A_structured_answer_that_leaves_its_schema_is_repaired_and_matches_it()
    {
        const string Schema = """{"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer"}},"required":["name","age"],"additionalProperties":false}""";
        await using var server = await ScriptedCompletionsServer.StartAsync((request, _) => request == 0 ? "Tom\", \"age\": \"seven\"}" : "7}\n```\n# Query:");
        await using var client = Client(server);
        using var schema = JsonDocument.Parse(Schema);

        var response = await client.GetResponseAsync("Describe the cat.", new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(schema.RootElement, "cat"), MaxOutputTokens = 1000 }, Token);

        using var answer = JsonDocument.Parse(response.Text);
        Assert.True(JsonSchema.FromText(Schema).Evaluate(answer.RootElement).IsValid, response.Text);
        Assert.Equal("{\"name\":\"Tom\",\"age\":7}", response.Text); // the model's space after the comma left the grammar: repaired from the comma
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
    }

    [Fact]
    public async Task An_answer_cut_by_the_output_budget_ends_with_length_and_no_repair()
    {
        await using var server = await ScriptedCompletionsServer.StartAsync((_, _) => "\"Tom", finishReason: "length");
        await using var client = Client(server);

        var error = await Assert.ThrowsAsync<UrialSchemaViolationException>(
            () => client.GetResponseAsync("Describe the cat.", new ChatOptions { ResponseFormat = ChatResponseFormat.Json, MaxOutputTokens = 1000 }, Token));

        // As under a constraining server: the server's length cut ends the answer (no repair), and the chat client says the JSON is incomplete because of it.
        Assert.Contains("finish reason length", error.Message, StringComparison.Ordinal);
        Assert.Single(server.Prompts);
    }

    /// <summary>Checks function-call arguments against the function's JSON schema with JsonSchema.Net.</summary>
    internal static void AssertValid(JsonElement schema, IDictionary<string, object?>? arguments)
    {
        var instance = JsonSerializer.SerializeToElement(arguments ?? new Dictionary<string, object?>());
        var result = JsonSchema.FromText(schema.GetRawText()).Evaluate(instance, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(result.IsValid, $"{instance} does not match {schema}: " + string.Join("; ", (result.Details ?? []).Where(d => d.Errors is { Count: > 0 }).SelectMany(d => d.Errors!.Values)));
    }

    private static UrialChatClient Client(ScriptedCompletionsServer server) => UrialChatClient.FromServer(
        new UrialRemoteEngineOptions { Endpoints = { server.Address }, Dialect = UrialRemoteDialect.OpenAICompatible, ContextSize = 8192, Model = "scripted" });
}
