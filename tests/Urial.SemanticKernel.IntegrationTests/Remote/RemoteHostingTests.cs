using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Urial.SemanticKernel.IntegrationTests.Hosting;

namespace Urial.SemanticKernel.IntegrationTests.Remote;

/// <summary>The remote engine in a real host: configuration, Semantic Kernel, health check, telemetry, and an API key that reaches the server but no log.</summary>
public sealed class RemoteHostingTests(LlamaServerChat fixture) : IClassFixture<LlamaServerChat>
{
    private const string ApiKey = "sk-remote-secret-4711";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Configuration_registers_a_chat_client_whose_api_key_reaches_the_server_and_no_log()
    {
        await using var proxy = await FaultProxy.StartAsync(fixture.Server);
        var logs = new ConcurrentQueue<string>();
        using var host = TestHost.Build(
            new Dictionary<string, string?>
            {
                ["Urial:Remote:Endpoints:0"] = proxy.Address.ToString(),
                ["Urial:Remote:Model"] = "stories-remote",
                ["Urial:Remote:ApiKey"] = ApiKey,
                ["Urial:DefaultMaxOutputTokens"] = "8",
            },
            (services, configuration) =>
            {
                services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(new CollectingLoggerProvider(logs)));
                services.AddUrialRemoteChatClient(configuration.GetSection(UrialOptions.SectionName));
                services.AddHealthChecks().AddUrialHealthCheck();
            });

        await host.StartAsync(Token);
        var response = await host.Services.GetRequiredService<IChatClient>().GetResponseAsync("Tell me a story about a fox.", new ChatOptions { MaxOutputTokens = 8 }, Token);
        var health = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(Token);
        await host.StopAsync(Token);

        Assert.Equal("stories-remote", response.ModelId);
        Assert.Equal(HealthStatus.Healthy, health.Status);
        Assert.Contains(proxy.Requests, r => r.Path == "completion");
        Assert.All(proxy.Requests, r => Assert.Equal("Bearer " + ApiKey, r.Authorization));
        Assert.NotEmpty(logs);
        Assert.Contains(logs, l => l.Contains(proxy.Address.Authority, StringComparison.Ordinal)); // the HTTP client logged its requests...
        Assert.DoesNotContain(logs, l => l.Contains(ApiKey, StringComparison.Ordinal)); // ...never the key
    }

    [Fact]
    public async Task Invalid_remote_configuration_fails_the_host_start_with_every_problem_named()
    {
        using var host = TestHost.Build(
            new Dictionary<string, string?> { ["Urial:Remote:Endpoints:0"] = "ftp://nowhere", ["Urial:Remote:MaxRetries"] = "99" },
            (services, configuration) => services.AddUrialRemoteChatClient(configuration.GetSection(UrialOptions.SectionName)));

        var error = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync(Token));

        Assert.Contains("ftp://nowhere", error.Message, StringComparison.Ordinal);
        Assert.Contains("MaxRetries", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_remote_configuration_that_names_a_model_file_fails_the_host_start_and_names_the_engine_package()
    {
        using var host = TestHost.Build(
            new Dictionary<string, string?> { ["Urial:ModelPath"] = TestModel.Path, ["Urial:Remote:Endpoints:0"] = fixture.Server.Address.ToString() },
            (services, configuration) => services.AddUrialRemoteChatClient(configuration.GetSection(UrialOptions.SectionName)));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Token));

        Assert.Contains($"ModelPath is '{TestModel.Path}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("add a PackageReference to the Urial.SemanticKernel package", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_kernel_answers_through_the_server()
    {
        var builder = Kernel.CreateBuilder();
        builder.AddUrialChatCompletion(fixture.Server.Address);
        var kernel = builder.Build();

        var answer = await kernel.InvokePromptAsync("Tell me a story about a fox.", new KernelArguments(new UrialPromptExecutionSettings { MaxTokens = 8 }), cancellationToken: Token);

        Assert.False(string.IsNullOrEmpty(answer.ToString()));
        await kernel.Services.GetRequiredService<IUrialEngine>().DisposeAsync();
    }

    [Fact]
    public async Task The_chat_span_names_the_server_that_answered()
    {
        var spans = new List<Activity>();
        using var tracing = Sdk.CreateTracerProviderBuilder().AddSource(UrialTelemetry.SourceName).AddInMemoryExporter(spans).Build();
        var services = new ServiceCollection();
        services.AddUrialChatClient(fixture.Server.Address);
        await using var provider = services.BuildServiceProvider();

        await provider.GetRequiredService<IChatClient>().GetResponseAsync("Tell me a story about a fox.", new ChatOptions { MaxOutputTokens = 8 }, Token);
        tracing.ForceFlush();

        var span = Assert.Single(spans, s => s.DisplayName.StartsWith("chat", StringComparison.Ordinal));
        Assert.Equal("127.0.0.1", span.GetTagItem("server.address"));
        Assert.Equal(fixture.Server.Port, Convert.ToInt32(span.GetTagItem("server.port"), System.Globalization.CultureInfo.InvariantCulture));
    }

    private sealed class CollectingLoggerProvider(ConcurrentQueue<string> logs) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Collector(categoryName, logs);

        public void Dispose()
        {
        }

        private sealed class Collector(string category, ConcurrentQueue<string> logs) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull
            {
                logs.Enqueue($"{category} scope: {state}");
                return null;
            }

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                logs.Enqueue($"{category} {logLevel}: {formatter(state, exception)} {exception}");
        }
    }
}
