using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Urial.SemanticKernel.IntegrationTests.Hosting;

namespace Urial.SemanticKernel.IntegrationTests.Diagnostics;

/// <summary>What an OpenTelemetry SDK subscribed to the documented source and meter names receives from one hosted chat.</summary>
public sealed class UrialTelemetryTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task One_chat_produces_a_GenAI_span_the_GenAI_client_metrics_and_the_engine_metrics()
    {
        var spans = new List<Activity>();
        var metrics = new List<MetricSnapshot>();
        using var tracing = Sdk.CreateTracerProviderBuilder()
            .AddSource(UrialTelemetry.SourceName)
            .AddInMemoryExporter(spans)
            .Build();
        using var metering = Sdk.CreateMeterProviderBuilder()
            .AddMeter(UrialTelemetry.SourceName, UrialTelemetry.EngineMeterName)
            .AddInMemoryExporter(metrics)
            .Build();
        using var host = TestHost.Build(
            new Dictionary<string, string?> { ["Urial:ModelPath"] = TestModel.Path, ["Urial:DefaultMaxOutputTokens"] = "16" },
            (services, configuration) => services.AddUrialChatClient(configuration.GetSection(UrialOptions.SectionName)));

        await host.StartAsync(Token);
        var response = await host.Services.GetRequiredService<IChatClient>().GetResponseAsync("Tell me a story about a fox.", cancellationToken: Token);
        await host.StopAsync(Token);
        tracing.ForceFlush();
        metering.ForceFlush();

        var span = Assert.Single(spans, s => s.DisplayName == "chat stories260K");
        Assert.Equal(response.Usage!.InputTokenCount, Convert.ToInt64(span.GetTagItem("gen_ai.usage.input_tokens"), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(response.Usage.OutputTokenCount, Convert.ToInt64(span.GetTagItem("gen_ai.usage.output_tokens"), System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(response.Usage.InputTokenCount > 0);
        // Microsoft.Extensions.AI records the finish reasons as a JSON array in a string tag.
        var finishReasons = JsonSerializer.Deserialize<string[]>(Assert.IsType<string>(span.GetTagItem("gen_ai.response.finish_reasons")))!;
        Assert.Contains(finishReasons, reason => reason is "stop" or "length");
        Assert.Equal("stories260K", span.GetTagItem("gen_ai.request.model"));

        Assert.Contains(metrics, m => m.Name == "gen_ai.client.token.usage" && m.MeterName == UrialTelemetry.SourceName);
        Assert.Contains(metrics, m => m.Name == "gen_ai.client.operation.duration" && m.MeterName == UrialTelemetry.SourceName);
        Assert.True(HistogramCount(metrics, "urial.engine.time_to_first_token") >= 1);
        Assert.True(CounterSum(metrics, "urial.engine.prompt_tokens.cached") > 0, "the URIAL prefix evaluated at warm-up is reused by the request");
        Assert.True(CounterSum(metrics, "urial.engine.prompt_tokens") >= response.Usage.InputTokenCount);
        var engineModels = metrics.Where(m => m.MeterName == UrialTelemetry.EngineMeterName)
            .SelectMany(m => m.MetricPoints)
            .Select(point => Tag(point, "gen_ai.request.model"))
            .Distinct();
        Assert.Equal(["stories260K"], engineModels);
    }

    private static long HistogramCount(List<MetricSnapshot> metrics, string name) =>
        Last(metrics, name).MetricPoints.Sum(point => point.GetHistogramCount());

    private static long CounterSum(List<MetricSnapshot> metrics, string name) =>
        Last(metrics, name).MetricPoints.Sum(point => point.GetSumLong());

    /// <summary>Gets the newest export of an instrument (cumulative temporality: it holds every measurement so far).</summary>
    private static MetricSnapshot Last(List<MetricSnapshot> metrics, string name)
    {
        var metric = metrics.LastOrDefault(m => m.Name == name && m.MeterName == UrialTelemetry.EngineMeterName);
        Assert.True(metric is not null, $"no {name} metric; exported: {string.Join(", ", metrics.Select(m => m.Name).Distinct())}");
        return metric;
    }

    private static object? Tag(MetricPoint point, string name)
    {
        foreach (var tag in point.Tags)
        {
            if (tag.Key == name)
            {
                return tag.Value;
            }
        }

        return null;
    }
}
