using System.Diagnostics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

using Urial.SemanticKernel.IntegrationTests.Diagnostics;

namespace Urial.SemanticKernel.IntegrationTests.Hosting;

/// <summary>The connector inside a real generic host, configured from configuration, on the real model.</summary>
public sealed class UrialHostingTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Host_warms_up_reports_healthy_and_answers_through_the_keyed_chat_completion_service()
    {
        using var host = TestHost.Build(
            new Dictionary<string, string?> { ["Urial:ModelPath"] = TestModel.Path, ["Urial:DefaultMaxOutputTokens"] = "32" },
            (services, configuration) =>
            {
                services.AddUrialChatCompletion(configuration.GetSection("Urial"), serviceId: "stories");
                services.AddHealthChecks().AddUrialHealthCheck("stories");
            });
        var health = host.Services.GetRequiredService<HealthCheckService>();

        var before = await health.CheckHealthAsync(Token);
        await host.StartAsync(Token);
        var after = await health.CheckHealthAsync(Token);
        var service = host.Services.GetRequiredKeyedService<IChatCompletionService>("stories");
        var answer = await service.GetChatMessageContentAsync("Tell me a story about a cat.", cancellationToken: Token);
        await host.StopAsync(Token);

        Assert.Equal(HealthStatus.Unhealthy, before.Status);
        Assert.Contains("warming up", before.Entries["urial-stories"].Description, StringComparison.Ordinal);
        Assert.Equal(HealthStatus.Healthy, after.Status);
        Assert.False(string.IsNullOrWhiteSpace(answer.Content));
        Assert.Equal("stories260K", answer.ModelId);
    }

    [Fact]
    public async Task Two_models_run_side_by_side_under_two_keys_with_their_own_options()
    {
        using var host = TestHost.Build(
            new Dictionary<string, string?>
            {
                ["Models:A:ModelPath"] = TestModel.Path,
                ["Models:A:ModelId"] = "alpha",
                ["Models:A:ContextSize"] = "6144",
                ["Models:A:DefaultMaxOutputTokens"] = "4",
                ["Models:B:ModelPath"] = TestModel.Path,
                ["Models:B:ModelId"] = "beta",
                ["Models:B:DefaultMaxOutputTokens"] = "8",
            },
            (services, configuration) =>
            {
                services.AddUrialChatCompletion(configuration.GetSection("Models:A"), "a");
                services.AddKeyedUrialChatClient("b", configuration.GetSection("Models:B"));
                services.AddHealthChecks().AddUrialHealthCheck("a").AddUrialHealthCheck("b");
            });

        await host.StartAsync(Token);
        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(Token);
        var noPenalty = new ChatOptions { AdditionalProperties = new() { ["repeat_penalty"] = 1.0 } };
        var a = await host.Services.GetRequiredKeyedService<IChatClient>("a").GetResponseAsync("Tell me a long story.", noPenalty, Token);
        var b = await host.Services.GetRequiredKeyedService<IChatClient>("b").GetResponseAsync("Tell me a long story.", noPenalty, Token);
        var options = host.Services.GetRequiredService<IOptionsMonitor<UrialOptions>>();
        await host.StopAsync(Token);

        Assert.Equal(HealthStatus.Healthy, report.Status);
        Assert.Equal(["urial-a", "urial-b"], report.Entries.Keys.Order());
        Assert.Equal(6144, options.Get("a").ContextSize);
        Assert.Equal(8192, options.Get("b").ContextSize);
        Assert.NotSame(host.Services.GetRequiredKeyedService<IUrialEngine>("a"), host.Services.GetRequiredKeyedService<IUrialEngine>("b"));
        Assert.Equal("alpha", a.ModelId);
        Assert.Equal("beta", b.ModelId);
        Assert.InRange(a.Usage!.OutputTokenCount!.Value, 1, 4);
        Assert.InRange(b.Usage!.OutputTokenCount!.Value, 1, 8);
        Assert.Null(host.Services.GetKeyedService<IChatCompletionService>("b"));
    }

    [Fact]
    public async Task Configured_sampling_defaults_fill_unset_chat_options_and_the_output_budget_is_honoured()
    {
        const string ModelId = "sampling-defaults";
        using var recorder = new ChatSpanRecorder(ModelId);
        var requests = recorder.Spans;
        using var host = TestHost.Build(
            new Dictionary<string, string?>(),
            (services, _) => services.AddKeyedUrialChatClient(
                "defaults",
                options =>
                {
                    options.ModelPath = TestModel.Path;
                    options.ModelId = ModelId;
                    options.Temperature = 0.5f;
                    options.TopK = 7;
                    options.Seed = 42;
                    options.RepeatPenalty = 1.0f;
                    options.DefaultMaxOutputTokens = 5;
                }));

        await host.StartAsync(Token);
        var client = host.Services.GetRequiredKeyedService<IChatClient>("defaults");
        var defaulted = await client.GetResponseAsync("Tell me a long story.", cancellationToken: Token);
        var overridden = await client.GetResponseAsync("Tell me a long story.", new ChatOptions { Temperature = 0f }, Token);
        await host.StopAsync(Token);

        Assert.InRange(defaulted.Usage!.OutputTokenCount!.Value, 1, 5);
        Assert.Equal(2, requests.Count);
        var first = requests.First();
        Assert.Equal(0.5, Convert.ToDouble(first.GetTagItem("gen_ai.request.temperature"), System.Globalization.CultureInfo.InvariantCulture), 3);
        Assert.Equal(7, Convert.ToInt32(first.GetTagItem("gen_ai.request.top_k"), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(42L, Convert.ToInt64(first.GetTagItem("gen_ai.request.seed"), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(0.0, Convert.ToDouble(requests.Last().GetTagItem("gen_ai.request.temperature"), System.Globalization.CultureInfo.InvariantCulture), 3);
        Assert.InRange(overridden.Usage!.OutputTokenCount!.Value, 1, 5);
    }

    [Fact]
    public async Task A_service_provider_built_from_the_registrations_disposes_synchronously_after_a_request()
    {
        // The reproduction: BuildServiceProvider, one request, Dispose() — containers dispose singletons synchronously.
        var services = new ServiceCollection();
        services.AddUrialChatClient(TestModel.Path);
        var provider = services.BuildServiceProvider();
        var engine = provider.GetRequiredService<IUrialEngine>();
        var response = await provider.GetRequiredService<IChatClient>().GetResponseAsync("Hi", new ChatOptions { MaxOutputTokens = 2 }, TestContext.Current.CancellationToken);

        provider.Dispose();

        Assert.NotNull(response.FinishReason);
        Assert.Equal(UrialEngineStatus.Unhealthy, engine.GetHealth().Status);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => engine.WarmUpAsync(TestContext.Current.CancellationToken));
    }
}
