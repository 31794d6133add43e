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
        Assert.All(_plugin.Ages, age => Assert.InRange(age, int.MinValue, int.MaxValue));
        Assert.Equal(AuthorRole.Assistant, answer.Role);
        Assert.Contains(history, m => m.Items.OfType<Microsoft.SemanticKernel.FunctionResultContent>().Any());
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

        public List<int> Ages { get; } = [];

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
            Ages.Add(age);
            return $"{kind} Tom, {age}";
        }
    }
}
