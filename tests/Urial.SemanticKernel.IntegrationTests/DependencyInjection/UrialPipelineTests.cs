using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

using Urial.SemanticKernel.IntegrationTests.Diagnostics;

namespace Urial.SemanticKernel.IntegrationTests.DependencyInjection;

/// <summary>The registered chat-client pipeline: documented defaults, removable by options, composable on the returned builder.</summary>
/// <remarks>Building a pipeline loads nothing (the engine starts on first use), so only the last test runs the model.</remarks>
public sealed class UrialPipelineTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_default_pipeline_invokes_functions_outermost_then_records_telemetry_and_logs_around_the_client()
    {
        await using var provider = Services(services => services.AddUrialChatClient(TestModel.Path));

        var client = provider.GetRequiredService<IChatClient>();

        var invoking = Assert.IsType<FunctionInvokingChatClient>(client); // Microsoft.Extensions.AI's own, not Semantic Kernel's
        Assert.NotNull(invoking.GetService<OpenTelemetryChatClient>());
        Assert.NotNull(invoking.GetService<LoggingChatClient>());
        Assert.NotNull(invoking.GetService<UrialChatClient>());
    }

    [Fact]
    public async Task Semantic_Kernel_registrations_invoke_functions_the_kernel_way()
    {
        await using var provider = Services(services => services.AddUrialChatCompletion(TestModel.Path, serviceId: "sk"));

        var client = provider.GetRequiredKeyedService<IChatClient>("sk");

        Assert.Equal("KernelFunctionInvokingChatClient", client.GetType().Name); // internal to Semantic Kernel
        Assert.Same(client, client.GetService<FunctionInvokingChatClient>());
        Assert.NotNull(provider.GetRequiredKeyedService<IChatCompletionService>("sk"));
    }

    [Fact]
    public async Task No_middleware_registers_the_bare_client_with_only_the_configured_defaults()
    {
        await using var provider = Services(services => services.AddUrialChatClient(options =>
        {
            options.ModelPath = TestModel.Path;
            options.Middleware = UrialMiddleware.None;
        }));

        var client = provider.GetRequiredService<IChatClient>();

        Assert.Null(client.GetService<FunctionInvokingChatClient>());
        Assert.Null(client.GetService<OpenTelemetryChatClient>());
        Assert.Null(client.GetService<LoggingChatClient>());
        Assert.NotNull(client.GetService<UrialChatClient>());
    }

    [Fact]
    public async Task Configuration_removes_one_default_by_listing_the_others()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Urial:ModelPath"] = TestModel.Path,
            ["Urial:Middleware"] = "OpenTelemetry, Logging",
        }).Build();
        await using var provider = Services(services => services.AddKeyedUrialChatClient("configured", configuration.GetSection("Urial")));

        var client = provider.GetRequiredKeyedService<IChatClient>("configured");

        Assert.Null(client.GetService<FunctionInvokingChatClient>());
        Assert.NotNull(client.GetService<OpenTelemetryChatClient>());
        Assert.NotNull(client.GetService<LoggingChatClient>());
        Assert.Null(provider.GetService<IChatClient>());
    }

    [Fact]
    public async Task Function_invocation_added_on_the_builder_replaces_the_default_instead_of_wrapping_it()
    {
        await using var provider = Services(services => services.AddUrialChatClient(TestModel.Path)
            .UseFunctionInvocation(configure: invoking => invoking.MaximumIterationsPerRequest = 3));

        var client = provider.GetRequiredService<IChatClient>();

        // The outermost client is the application's: had the default wrapped it, the outermost would be another one (40 iterations).
        var invoking = Assert.IsType<FunctionInvokingChatClient>(client);
        Assert.Equal(3, invoking.MaximumIterationsPerRequest);
    }

    [Fact]
    public async Task Kernel_function_invocation_added_on_a_plain_registration_replaces_the_default_too()
    {
        await using var provider = Services(services => services.AddKeyedUrialChatClient("k", TestModel.Path).UseKernelFunctionInvocation());

        var client = provider.GetRequiredKeyedService<IChatClient>("k");

        Assert.Equal("KernelFunctionInvokingChatClient", client.GetType().Name);
    }

    [Fact]
    public async Task Middleware_added_on_the_builder_runs_between_function_invocation_and_telemetry_on_a_real_request()
    {
        const string ModelId = "pipeline-middleware";
        using var recorder = new ChatSpanRecorder(ModelId);
        var spans = recorder.Spans;
        var seen = new ConcurrentQueue<string>();
        await using var provider = Services(services => services
            .AddUrialChatClient(options =>
            {
                options.ModelPath = TestModel.Path;
                options.ModelId = ModelId;
                options.DefaultMaxOutputTokens = 4;
            })
            .Use(async (messages, options, next, cancellationToken) =>
            {
                // Outside the telemetry layer: the call's chat span is not open yet.
                seen.Enqueue(Activity.Current?.DisplayName.StartsWith("chat", StringComparison.Ordinal) == true ? "inside the chat span" : "before the chat span");
                await next(messages, options, cancellationToken);
            }));

        var response = await provider.GetRequiredService<IChatClient>().GetResponseAsync("Tell me a story.", cancellationToken: Token);

        Assert.Equal(["before the chat span"], seen);
        Assert.Single(spans);
        Assert.Equal(ModelId, response.ModelId);
        Assert.InRange(response.Usage!.OutputTokenCount!.Value, 1, 4);
    }

    private static ServiceProvider Services(Action<IServiceCollection> register)
    {
        var services = new ServiceCollection().AddLogging();
        register(services);
        return services.BuildServiceProvider();
    }
}
