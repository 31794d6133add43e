using System.ComponentModel;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Microsoft.SemanticKernel.Connectors.OpenAI;

namespace Urial.Server.Tests;

/// <summary>Semantic Kernel's own OpenAI connector pointed at the server: chat, streaming and automatic function calling over HTTP.</summary>
public sealed class SemanticKernelConnectorTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task The_OpenAI_connector_chats_and_streams_through_the_server()
    {
        var kernel = Kernel();
        var chat = kernel.GetRequiredService<IChatCompletionService>();
        var settings = new OpenAIPromptExecutionSettings { MaxTokens = 16, Temperature = 0 };
        var history = new ChatHistory();
        history.AddUserMessage("Tell me a story about a dog.");

        var answer = await chat.GetChatMessageContentAsync(history, settings, kernel, TestContext.Current.CancellationToken);
        var streamed = string.Concat(await chat.GetStreamingChatMessageContentsAsync(history, settings, kernel, TestContext.Current.CancellationToken).Select(update => update.Content).ToListAsync(TestContext.Current.CancellationToken));

        Assert.False(string.IsNullOrWhiteSpace(answer.Content));
        Assert.Equal(answer.Content, streamed);
        Assert.Equal("stories260K", answer.ModelId);
    }

    [Fact]
    public async Task Automatic_function_calling_over_HTTP_invokes_the_kernel_function_and_sends_its_result_back()
    {
        var kernel = Kernel();
        var weather = new WeatherPlugin();
        kernel.Plugins.AddFromObject(weather, "Weather");
        var settings = new OpenAIPromptExecutionSettings
        {
            // Required on the first request only (SK then lets the model answer), so the loop ends with a text answer.
            FunctionChoiceBehavior = FunctionChoiceBehavior.Required(autoInvoke: true),
            MaxTokens = 600, // the toy model fills an unbounded string argument up to the grammar's 256-character cap
            Temperature = 0,
        };

        var history = new ChatHistory();
        history.AddUserMessage("What is the weather in Oslo?");

        var answer = await kernel.GetRequiredService<IChatCompletionService>().GetChatMessageContentAsync(history, settings, kernel, TestContext.Current.CancellationToken);

        // SK ran the loop over HTTP: the model's call (decoded under the tool grammar) invoked the function, its result
        // went back to the server in a tool message, and the server's next answer ended the loop.
        var city = Assert.Single(weather.Cities);
        Assert.False(string.IsNullOrWhiteSpace(city));
        Assert.Contains(history, message => message.Role == AuthorRole.Assistant && message.Items.OfType<FunctionCallContent>().Any(call => call.FunctionName == "get_weather"));
        Assert.Contains(history, message => message.Role == AuthorRole.Tool && message.Items.OfType<FunctionResultContent>().Any(result => Equals(result.Result, WeatherPlugin.Forecast)));
        Assert.Equal(AuthorRole.Assistant, answer.Role);
    }

    private Kernel Kernel()
    {
        var builder = Microsoft.SemanticKernel.Kernel.CreateBuilder();
        builder.AddOpenAIChatCompletion("stories260K", fixture.V1, fixture.ApiKey);
        return builder.Build();
    }

    private sealed class WeatherPlugin
    {
        public const string Forecast = "Sunny, 21 degrees.";

        public List<string> Cities { get; } = [];

        [KernelFunction("get_weather")]
        [Description("Gets the weather of a city.")]
        public string GetWeather([Description("The city.")] string city)
        {
            Cities.Add(city);
            return Forecast;
        }
    }
}
