using System.ComponentModel;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

namespace Urial.SemanticKernel.IntegrationTests.SemanticKernel;

/// <summary>Function calling on the real base model: the call is decoded under a grammar built from the functions' schemas.</summary>
public sealed class FunctionCallingTests : IAsyncLifetime
{
    private readonly Kernel _kernel;
    private readonly StoryPlugin _plugin = new();

    public FunctionCallingTests()
    {
        var builder = Kernel.CreateBuilder();
        builder.AddUrialChatCompletion(TestModel.Path);
        builder.Plugins.AddFromObject(_plugin, "Story");
        _kernel = builder.Build();
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await _kernel.Services.GetRequiredService<IUrialEngine>().DisposeAsync();

    private static UrialPromptExecutionSettings Settings(FunctionChoiceBehavior behavior) => new()
    {
        FunctionChoiceBehavior = behavior,
        MaxTokens = 200,
        ExtensionData = new Dictionary<string, object> { ["json_max_string_length"] = 16 },
    };

    [Fact]
    public async Task Required_invokes_a_kernel_function_with_valid_arguments_and_answers_in_text()
    {
        var history = new ChatHistory();
        history.AddUserMessage("Please name a hero for my story.");
        var service = _kernel.GetRequiredService<IChatCompletionService>();

        var answer = await service.GetChatMessageContentAsync(history, Settings(FunctionChoiceBehavior.Required()), _kernel, Token);

        Assert.True(_plugin.Calls > 0, "a kernel function was invoked");
        // Every invocation got arguments valid against the schema Semantic Kernel advertised (JsonSchema.Net is the oracle).
        var schema = Json.Schema.JsonSchema.FromText(_kernel.Plugins["Story"]["NameHero"].JsonSchema.GetRawText(), new Json.Schema.BuildOptions { Dialect = Json.Schema.Dialect.Draft202012, SchemaRegistry = new Json.Schema.SchemaRegistry() });
        Assert.All(_plugin.Arguments, arguments => Assert.True(schema.Evaluate(arguments).IsValid, arguments.GetRawText()));
        Assert.Equal(AuthorRole.Assistant, answer.Role);
        Assert.Contains(history, m => m.Items.OfType<Microsoft.SemanticKernel.FunctionResultContent>().Any());
    }

    /// <summary>
    /// Issue 10: with max_tokens 96 the call was cut and "&lt;tool_call&gt;\n{ "name" …" came back as the assistant's text.
    /// Now the grammar is planned for the budget: the call closes and is invoked, or the request fails up front.
    /// </summary>
    [Fact]
    public async Task Required_with_a_small_budget_closes_the_call_and_never_returns_call_markup_as_text()
    {
        var history = new ChatHistory();
        history.AddUserMessage("Please name a hero for my story.");
        var service = _kernel.GetRequiredService<IChatCompletionService>();
        var settings = new UrialPromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Required(), MaxTokens = 96 };

        var answer = await service.GetChatMessageContentAsync(history, settings, _kernel, Token);

        Assert.True(_plugin.Calls > 0, "the call closed within 96 tokens and was invoked");
        Assert.All(history.Concat([answer]), m => Assert.DoesNotContain("tool_call", m.Content ?? string.Empty, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_budget_too_small_for_any_call_fails_up_front()
    {
        var history = new ChatHistory();
        history.AddUserMessage("Please name a hero for my story.");
        var service = _kernel.GetRequiredService<IChatCompletionService>();
        var settings = new UrialPromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Required(), MaxTokens = 12 };

        var error = await Assert.ThrowsAnyAsync<Exception>(() => service.GetChatMessageContentAsync(history, settings, _kernel, Token));

        var inner = error as ArgumentException ?? error.InnerException as ArgumentException;
        Assert.NotNull(inner);
        Assert.Contains("MaxOutputTokens = 12", inner.Message, StringComparison.Ordinal);
        Assert.Equal(0, _plugin.Calls);
    }

    [Fact]
    public async Task None_invokes_nothing()
    {
        var history = new ChatHistory();
        history.AddUserMessage("Please name a hero for my story.");
        var service = _kernel.GetRequiredService<IChatCompletionService>();

        await service.GetChatMessageContentAsync(history, Settings(FunctionChoiceBehavior.None()), _kernel, Token);

        Assert.Equal(0, _plugin.Calls);
    }

    [Fact]
    public async Task Without_auto_invoke_the_call_is_returned_to_the_caller()
    {
        var history = new ChatHistory();
        history.AddUserMessage("Please name a hero for my story.");
        var service = _kernel.GetRequiredService<IChatCompletionService>();

        var answer = await service.GetChatMessageContentAsync(history, Settings(FunctionChoiceBehavior.Required(autoInvoke: false)), _kernel, Token);

        var call = Assert.Single(answer.Items.OfType<Microsoft.SemanticKernel.FunctionCallContent>());
        var fullName = call.PluginName is null ? call.FunctionName : $"{call.PluginName}_{call.FunctionName}";
        Assert.Contains(fullName, new[] { "Story_GetTime", "Story_NameHero" });
        Assert.Equal(0, _plugin.Calls);
    }

    [Fact]
    public async Task An_IChatClient_with_UseFunctionInvocation_runs_an_AIFunction()
    {
        var invoked = 0;
        var tool = AIFunctionFactory.Create((string city, int days) => { invoked++; return $"{days} sunny days in {city}"; }, "Weather_Forecast", "Gets a forecast.");
        await using var leaf = UrialChatClient.FromModel(TestModel.Path);
        using var client = leaf.AsBuilder().UseFunctionInvocation().Build();

        var response = await client.GetResponseAsync("Will it rain?", new ChatOptions { Tools = [tool], ToolMode = ChatToolMode.RequireAny, MaxOutputTokens = 120, AdditionalProperties = new() { ["json_max_string_length"] = 12 } }, Token);

        Assert.True(invoked > 0);
        Assert.Contains(response.Messages, m => m.Contents.OfType<Microsoft.Extensions.AI.FunctionResultContent>().Any());
    }

    public sealed class StoryPlugin
    {
        public int Calls { get; private set; }

        public List<System.Text.Json.JsonElement> Arguments { get; } = [];

        [KernelFunction, Description("Gets the story time.")]
        public string GetTime()
        {
            Calls++;
            return "night";
        }

        [KernelFunction, Description("Names a hero.")]
        public string NameHero([Description("the hero's kind")] string kind, [Description("age in years")] int age)
        {
            Calls++;
            Arguments.Add(System.Text.Json.JsonSerializer.SerializeToElement(new Dictionary<string, object> { ["kind"] = kind, ["age"] = age }));
            return $"{kind} Tom, {age}";
        }
    }
}
