using System.ClientModel;
using System.Text.Json;
using Json.Schema;
using OpenAI;
using OpenAI.Chat;
using OpenAI.Models;

namespace Urial.Server.Tests;

/// <summary>The official OpenAI .NET SDK pointed at the server, as any .NET application would use it.</summary>
public sealed class OpenAISdkTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private static readonly ChatMessage[] s_story = [new UserChatMessage("Tell me a story about a cat.")];

    private ChatClient Client => new("stories260K", new ApiKeyCredential(fixture.ApiKey), new OpenAIClientOptions { Endpoint = fixture.V1 });

    [Fact]
    public async Task A_completion_has_text_a_finish_reason_and_usage_with_the_cached_URIAL_prefix()
    {
        ChatCompletion completion = await Client.CompleteChatAsync(s_story, new ChatCompletionOptions { MaxOutputTokenCount = 16, Temperature = 0 }, TestContext.Current.CancellationToken);

        Assert.False(string.IsNullOrWhiteSpace(completion.Content[0].Text));
        Assert.Contains(completion.FinishReason, new[] { ChatFinishReason.Stop, ChatFinishReason.Length });
        Assert.Equal("stories260K", completion.Model);
        Assert.StartsWith("chatcmpl-", completion.Id, StringComparison.Ordinal);
        Assert.InRange(completion.Usage.OutputTokenCount, 1, 16);
        Assert.Equal(completion.Usage.InputTokenCount + completion.Usage.OutputTokenCount, completion.Usage.TotalTokenCount);
        Assert.InRange(completion.Usage.InputTokenDetails.CachedTokenCount, 2_000, completion.Usage.InputTokenCount - 1);
    }

    [Fact]
    public async Task A_streamed_greedy_answer_equals_the_non_streamed_one_and_ends_with_usage()
    {
        var options = new ChatCompletionOptions { MaxOutputTokenCount = 24, Temperature = 0 };
        ChatCompletion whole = await Client.CompleteChatAsync(s_story, options, TestContext.Current.CancellationToken);

        var text = new System.Text.StringBuilder();
        var finishReasons = new List<ChatFinishReason>();
        ChatTokenUsage? usage = null;
        await foreach (var update in Client.CompleteChatStreamingAsync(s_story, options, TestContext.Current.CancellationToken))
        {
            text.Append(string.Concat(update.ContentUpdate.Select(part => part.Text)));
            if (update.FinishReason is { } reason)
            {
                finishReasons.Add(reason);
            }

            usage ??= update.Usage;
        }

        Assert.Equal(whole.Content[0].Text, text.ToString());
        Assert.Equal([whole.FinishReason], finishReasons);
        Assert.NotNull(usage);
        Assert.Equal(whole.Usage.OutputTokenCount, usage.OutputTokenCount);
        Assert.True(usage.InputTokenDetails.CachedTokenCount > 0);
    }

    [Fact]
    public async Task A_required_tool_call_names_the_declared_function_with_arguments_that_satisfy_its_schema()
    {
        const string Parameters = """{"type":"object","properties":{"city":{"type":"string","maxLength":20},"days":{"type":"integer","minimum":1,"maximum":7}},"required":["city","days"],"additionalProperties":false}""";
        var options = new ChatCompletionOptions
        {
            Tools = { ChatTool.CreateFunctionTool("get_weather", "Gets the weather forecast of a city.", BinaryData.FromString(Parameters)) },
            ToolChoice = ChatToolChoice.CreateRequiredChoice(),
            MaxOutputTokenCount = 256,
        };

        ChatCompletion completion = await Client.CompleteChatAsync([new UserChatMessage("What is the weather in Paris this week?")], options, TestContext.Current.CancellationToken);

        Assert.Equal(ChatFinishReason.ToolCalls, completion.FinishReason);
        var call = Assert.Single(completion.ToolCalls);
        Assert.Equal("get_weather", call.FunctionName);
        Assert.False(string.IsNullOrEmpty(call.Id));
        AssertValid(Parameters, call.FunctionArguments.ToString());
    }

    [Fact]
    public async Task A_json_schema_response_format_gives_an_answer_that_satisfies_the_schema()
    {
        const string Schema = """{"type":"object","properties":{"name":{"type":"string","maxLength":30},"age":{"type":"integer","minimum":0,"maximum":120},"pets":{"type":"array","items":{"type":"string","maxLength":10},"maxItems":3}},"required":["name","age","pets"],"additionalProperties":false}""";
        var options = new ChatCompletionOptions
        {
            ResponseFormat = ChatResponseFormat.CreateJsonSchemaFormat("person", BinaryData.FromString(Schema), jsonSchemaIsStrict: true),
            MaxOutputTokenCount = 200,
        };

        ChatCompletion completion = await Client.CompleteChatAsync([new UserChatMessage("Describe a person as JSON.")], options, TestContext.Current.CancellationToken);

        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        AssertValid(Schema, completion.Content[0].Text);
    }

    [Fact]
    public async Task Seeded_sampling_with_temperature_and_top_p_repeats_and_a_stop_sequence_cuts_the_answer()
    {
        var seeded = new ChatCompletionOptions { Temperature = 1.2f, TopP = 0.9f, Seed = 42, MaxOutputTokenCount = 24 };
        ChatCompletion first = await Client.CompleteChatAsync(s_story, seeded, TestContext.Current.CancellationToken);
        ChatCompletion second = await Client.CompleteChatAsync(s_story, seeded, TestContext.Current.CancellationToken);
        Assert.Equal(first.Content[0].Text, second.Content[0].Text);

        var greedy = new ChatCompletionOptions { Temperature = 0, MaxOutputTokenCount = 48 };
        ChatCompletion unstopped = await Client.CompleteChatAsync(s_story, greedy, TestContext.Current.CancellationToken);
        var text = unstopped.Content[0].Text;
        Assert.True(text.Length >= 12, text);
        var stop = text.Substring(text.Length / 2, 3);
        greedy.StopSequences.Add(stop);
        ChatCompletion stopped = await Client.CompleteChatAsync(s_story, greedy, TestContext.Current.CancellationToken);

        Assert.Equal(ChatFinishReason.Stop, stopped.FinishReason);
        Assert.Equal(text[..text.IndexOf(stop, StringComparison.Ordinal)], stopped.Content[0].Text);
    }

    [Fact]
    public async Task The_models_endpoint_lists_the_served_model()
    {
        var models = new OpenAIModelClient(new ApiKeyCredential(fixture.ApiKey), new OpenAIClientOptions { Endpoint = fixture.V1 });

        OpenAIModelCollection list = await models.GetModelsAsync(TestContext.Current.CancellationToken);

        Assert.Equal("stories260K", Assert.Single(list).Id);
    }

    private static void AssertValid(string schema, string json)
    {
        using var document = JsonDocument.Parse(json);
        var result = JsonSchema.FromText(schema).Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(result.IsValid, $"{json} does not satisfy {schema}: {string.Join("; ", (result.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Values))}");
    }
}
