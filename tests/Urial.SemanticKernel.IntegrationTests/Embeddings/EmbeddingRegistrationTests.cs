using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Urial.SemanticKernel.IntegrationTests.Embeddings;

/// <summary>The registered embedding generator shares its model with the chat client of the same key.</summary>
public sealed class EmbeddingRegistrationTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    // Four JSON strings of at least 900 characters: the grammar keeps the chat running for thousands of steps.
    private static readonly ChatOptions s_long = new()
    {
        MaxOutputTokens = 3000,
        ResponseFormat = ChatResponseFormat.ForJsonSchema(System.Text.Json.JsonDocument.Parse("""{"type":"array","items":{"type":"string","minLength":700},"minItems":1}""").RootElement),
        AdditionalProperties = new() { ["json_max_string_length"] = 1000, ["json_max_items"] = 4 },
    };

    [Fact]
    public async Task A_chat_client_and_an_embedding_generator_under_one_key_share_one_engine_and_embed_while_a_chat_streams()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddKeyedUrialChatClient("stories", TestModel.Path);
        services.AddKeyedUrialEmbeddingGenerator("stories", TestModel.Path);
        await using var provider = services.BuildServiceProvider();
        var chat = provider.GetRequiredKeyedService<IChatClient>("stories");
        var embeddings = provider.GetRequiredKeyedService<IEmbeddingGenerator<string, Embedding<float>>>("stories");

        Assert.Same(chat.GetService<IUrialEngine>(), embeddings.GetService<UrialEngine>());
        Assert.Null(provider.GetService<IEmbeddingGenerator<string, Embedding<float>>>());

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Token);
        await using var stream = chat.GetStreamingResponseAsync("Tell me a story.", s_long, stop.Token).GetAsyncEnumerator(stop.Token);
        Assert.True(await stream.MoveNextAsync()); // the chat is running
        var vectors = await embeddings.GenerateAsync(["a cat", "a dog"], cancellationToken: Token);
        var chatStillRunning = await stream.MoveNextAsync();
        await stop.CancelAsync();

        Assert.Equal(2, vectors.Count);
        Assert.True(chatStillRunning, "an embedding waits for one generation step, not for the chat to finish");
    }

    [Fact]
    public async Task Options_removing_telemetry_and_logging_leave_the_bare_generator()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddUrialEmbeddingGenerator(options =>
        {
            options.ModelPath = TestModel.Path;
            options.Middleware = UrialMiddleware.None;
        });
        var withDefaults = new ServiceCollection().AddLogging();
        withDefaults.AddUrialEmbeddingGenerator(TestModel.Path);
        await using var provider = services.BuildServiceProvider();
        await using var defaultProvider = withDefaults.BuildServiceProvider();

        var bare = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        var defaulted = defaultProvider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();

        Assert.IsType<UrialEmbeddingGenerator>(bare);
        Assert.NotNull(defaulted.GetService<OpenTelemetryEmbeddingGenerator<string, Embedding<float>>>());
        Assert.NotNull(defaulted.GetService<LoggingEmbeddingGenerator<string, Embedding<float>>>());
    }
}
