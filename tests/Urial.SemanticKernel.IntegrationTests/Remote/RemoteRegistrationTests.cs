using System.Collections.Concurrent;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

namespace Urial.SemanticKernel.IntegrationTests.Remote;

/// <summary>
/// The remote registrations have the local ones' shape: a <see cref="ChatClientBuilder"/> to compose on, the defaults of
/// <see cref="UrialOptions.Middleware"/>, keyed variants, Semantic Kernel's function invocation for the kernel registrations.
/// </summary>
/// <remarks>Building a pipeline sends nothing (the engine probes the server on first use), so only the last test needs the server.</remarks>
public sealed class RemoteRegistrationTests(LlamaServerChat fixture) : IClassFixture<LlamaServerChat>
{
    private static readonly Uri s_nowhere = new("http://127.0.0.1:9/");

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_default_pipeline_invokes_functions_outermost_then_records_telemetry_and_logs_around_the_client_over_the_server()
    {
        await using var provider = Services(services => services.AddUrialChatClient(s_nowhere));

        var client = provider.GetRequiredService<IChatClient>();

        var invoking = Assert.IsType<FunctionInvokingChatClient>(client);
        Assert.NotNull(invoking.GetService<OpenTelemetryChatClient>());
        Assert.NotNull(invoking.GetService<LoggingChatClient>());
        Assert.IsType<UrialRemoteEngine>(invoking.GetService<UrialChatClient>()!.Engine);
    }

    [Fact]
    public async Task A_keyed_registration_from_configuration_honours_the_middleware_option_and_registers_nothing_unkeyed()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Urial:Remote:Endpoints:0"] = s_nowhere.ToString(),
            ["Urial:Middleware"] = "OpenTelemetry, Logging",
        }).Build();
        await using var provider = Services(services => services.AddKeyedUrialRemoteChatClient("fleet", configuration.GetSection("Urial")));

        var client = provider.GetRequiredKeyedService<IChatClient>("fleet");

        Assert.Null(client.GetService<FunctionInvokingChatClient>());
        Assert.NotNull(client.GetService<OpenTelemetryChatClient>());
        Assert.NotNull(client.GetService<LoggingChatClient>());
        Assert.Null(provider.GetService<IChatClient>());
        Assert.IsType<UrialRemoteEngine>(provider.GetRequiredKeyedService<IUrialEngine>("fleet"));
    }

    [Fact]
    public async Task No_middleware_registers_the_bare_client()
    {
        await using var provider = Services(services =>
        {
            services.AddKeyedUrialRemoteChatClient("bare", remote => remote.Endpoints.Add(s_nowhere));
            services.Configure<UrialOptions>("bare", options => options.Middleware = UrialMiddleware.None);
        });

        var client = provider.GetRequiredKeyedService<IChatClient>("bare");

        Assert.Null(client.GetService<FunctionInvokingChatClient>());
        Assert.Null(client.GetService<OpenTelemetryChatClient>());
        Assert.Null(client.GetService<LoggingChatClient>());
        Assert.NotNull(client.GetService<UrialChatClient>());
    }

    [Fact]
    public async Task Semantic_Kernel_registrations_over_a_server_invoke_functions_the_kernel_way()
    {
        await using var provider = Services(services => services.AddUrialChatCompletion(s_nowhere, serviceId: "sk"));

        var client = provider.GetRequiredKeyedService<IChatClient>("sk");

        Assert.Equal("KernelFunctionInvokingChatClient", client.GetType().Name); // internal to Semantic Kernel
        Assert.NotNull(provider.GetRequiredKeyedService<IChatCompletionService>("sk"));
    }

    [Fact]
    public void One_service_key_cannot_be_both_a_local_model_and_a_server()
    {
        var services = new ServiceCollection();
        services.AddKeyedUrialChatClient("mixed", TestModel.Path);

        var error = Assert.Throws<InvalidOperationException>(() => services.AddKeyedUrialChatClient("mixed", s_nowhere));
        Assert.Contains("'mixed' is already registered over a local model file", error.Message, StringComparison.Ordinal);

        services.AddUrialRemoteChatClient(remote => remote.Endpoints.Add(s_nowhere));
        error = Assert.Throws<InvalidOperationException>(() => services.AddUrialEmbeddingGenerator(TestModel.Path));
        Assert.Contains("unkeyed Urial model is already registered over a server", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Middleware_added_on_the_builder_runs_on_a_real_request_to_the_server()
    {
        await using var proxy = await FaultProxy.StartAsync(fixture.Server);
        var seen = new ConcurrentQueue<string>();
        await using var provider = Services(services => services
            .AddKeyedUrialChatClient("composed", proxy.Address, modelId: "stories-composed")
            .Use(async (messages, options, next, cancellationToken) =>
            {
                seen.Enqueue(messages.Last().Text);
                await next(messages, options, cancellationToken);
            }));

        var response = await provider.GetRequiredKeyedService<IChatClient>("composed").GetResponseAsync("Tell me a story.", new ChatOptions { MaxOutputTokens = 4 }, Token);

        Assert.Equal(["Tell me a story."], seen);
        Assert.Equal("stories-composed", response.ModelId);
        Assert.Equal(1, proxy.CompletionRequests);
    }

    private static ServiceProvider Services(Action<IServiceCollection> register)
    {
        var services = new ServiceCollection().AddLogging();
        register(services);
        return services.BuildServiceProvider();
    }
}
