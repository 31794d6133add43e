using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Microsoft.SemanticKernel.TextGeneration;

namespace Urial.SemanticKernel.IntegrationTests.SemanticKernel;

/// <summary>Semantic Kernel over the real model, registered the way users do it.</summary>
public sealed class UrialChatCompletionServiceTests : IAsyncLifetime
{
    private readonly Kernel _kernel;

    public UrialChatCompletionServiceTests()
    {
        var builder = Kernel.CreateBuilder();
        builder.AddUrialChatCompletion(TestModel.Path);
        _kernel = builder.Build();
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await _kernel.Services.GetRequiredService<IUrialEngine>().DisposeAsync();

    [Fact]
    public async Task InvokePromptAsync_answers_through_the_kernel()
    {
        var result = await _kernel.InvokePromptAsync("Tell me a story about {{$animal}}.", new KernelArguments(new UrialPromptExecutionSettings { MaxTokens = 16 }) { ["animal"] = "a fox" }, cancellationToken: Token);

        Assert.False(string.IsNullOrWhiteSpace(result.GetValue<string>()));
    }

    [Fact]
    public async Task GetChatMessageContentAsync_reports_usage_and_model()
    {
        var service = _kernel.GetRequiredService<IChatCompletionService>();
        var history = new ChatHistory();
        history.AddUserMessage("Tell me about a happy frog.");

        var message = await service.GetChatMessageContentAsync(history, new UrialPromptExecutionSettings { MaxTokens = 8 }, _kernel, Token);

        Assert.Equal(AuthorRole.Assistant, message.Role);
        Assert.False(string.IsNullOrEmpty(message.Content));
        Assert.Equal("stories260K", message.ModelId);
        var usage = Assert.IsType<Microsoft.Extensions.AI.UsageDetails>(message.Metadata!["Usage"]);
        Assert.Equal(8, usage.OutputTokenCount);
        Assert.Equal("stories260K", service.Attributes["ModelId"]);
    }

    [Fact]
    public async Task Streaming_through_the_kernel_equals_the_non_streaming_text()
    {
        var service = _kernel.GetRequiredService<IChatCompletionService>();
        var history = new ChatHistory();
        history.AddUserMessage("Once upon a time there was a big tree.");
        var settings = new UrialPromptExecutionSettings { MaxTokens = 40 };

        var whole = await service.GetChatMessageContentAsync(history, settings, _kernel, Token);
        var streamed = new StringBuilder();
        await foreach (var chunk in service.GetStreamingChatMessageContentsAsync(history, settings, _kernel, Token))
        {
            streamed.Append(chunk.Content);
        }

        Assert.Equal(whole.Content, streamed.ToString());
    }

    [Fact]
    public async Task Llama_knobs_reach_the_sampler()
    {
        var service = _kernel.GetRequiredService<IChatCompletionService>();
        var history = new ChatHistory();
        history.AddUserMessage("Tell me a story.");
        var greedy = await service.GetChatMessageContentAsync(history, new UrialPromptExecutionSettings { MaxTokens = 30, Temperature = 0f, RepeatPenalty = 1.0f }, _kernel, Token);

        // Sampling at temperature 1.5 with these filters keeps only the most likely token: the greedy answer, whatever the
        // seed. Without the knob, each of these samples freely (and these seeds were checked to leave the greedy path).
        foreach (var filtered in new[]
        {
            new UrialPromptExecutionSettings { MaxTokens = 30, Temperature = 1.5f, TopK = 1, RepeatPenalty = 1.0f, Seed = 11 },
            new UrialPromptExecutionSettings { MaxTokens = 30, Temperature = 1.5f, MinP = 1f, RepeatPenalty = 1.0f, Seed = 12 },
        })
        {
            var answer = await service.GetChatMessageContentAsync(history, filtered, _kernel, Token);
            filtered.TopK = null;
            filtered.MinP = null;
            var unfiltered = await service.GetChatMessageContentAsync(history, filtered, _kernel, Token);

            Assert.Equal(greedy.Content, answer.Content);
            Assert.NotEqual(greedy.Content, unfiltered.Content);
        }

        var error = await Assert.ThrowsAsync<ArgumentException>(() => service.GetChatMessageContentAsync(history, new UrialPromptExecutionSettings { MinP = 2f }, _kernel, Token));
        Assert.Contains("MinP", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Text_generation_treats_the_prompt_as_a_user_turn()
    {
        var service = _kernel.GetRequiredService<ITextGenerationService>();

        var text = await service.GetTextContentAsync("Tell me a story.", new UrialPromptExecutionSettings { MaxTokens = 8 }, _kernel, Token);

        Assert.False(string.IsNullOrEmpty(text.Text));
    }

    [Fact]
    public void Settings_convert_from_generic_execution_settings()
    {
        var generic = new PromptExecutionSettings { ExtensionData = new Dictionary<string, object> { ["temperature"] = "0.5", ["max_tokens"] = 12, ["repeat_penalty"] = 1.3 } };

        var settings = UrialPromptExecutionSettings.FromExecutionSettings(generic);

        Assert.Equal(0.5f, settings.Temperature);
        Assert.Equal(12, settings.MaxTokens);
        Assert.Equal(1.3f, settings.RepeatPenalty);
        settings.Freeze();
        Assert.Throws<InvalidOperationException>(() => settings.Seed = 1);
    }
}
