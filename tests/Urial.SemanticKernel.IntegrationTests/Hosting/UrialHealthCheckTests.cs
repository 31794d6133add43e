using System.Text;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Urial.SemanticKernel.IntegrationTests.Hosting;

/// <summary>The health check reports the engine's current state on a real engine: warming up, ready, and ready again after a fault.</summary>
public sealed class UrialHealthCheckTests
{
    [Fact]
    public async Task Unhealthy_while_warming_up_healthy_when_ready_and_healthy_again_after_recovering_from_a_fault()
    {
        var token = TestContext.Current.CancellationToken;
        var state = new UrialServiceState("health", new UrialOptions { ModelPath = TestModel.Path });

        // Admission believes it has 100,000 cells; the real 256 overflow, so the engine recovers from a NoKvSlot fault.
        await using var engine = new UrialEngine(new UrialEngineOptions { ModelPath = TestModel.Path, ContextSize = 256, MaxConcurrentRequests = 4, PrefixCacheSequences = 0, CellBudgetOverride = 100_000 });
        var check = new UrialHealthCheck(state, engine);
        var context = new HealthCheckContext();

        Assert.Equal(HealthStatus.Unhealthy, (await check.CheckHealthAsync(context, token)).Status);
        await engine.WarmUpAsync(token);
        state.MarkReady(TimeSpan.FromMilliseconds(1));
        Assert.Equal(HealthStatus.Healthy, (await check.CheckHealthAsync(context, token)).Status);

        Task[] requests;
        using (var gate = new LoopGate(engine))
        {
            // The loop waits after its first step while all four are queued: the next step runs them together, on any machine.
            var started = gate.HoldWhenAsync(report => report.Running.Count > 0);
            requests = [.. Enumerable.Range(0, 4).Select(async i =>
            {
                var text = new StringBuilder();
                await foreach (var update in engine.GenerateAsync(new GenerationRequest($"Once upon a time, cat number {i} went out.") { MaxOutputTokens = 90, Sampling = new SamplingParameters { RepetitionPenalty = 1f } }, token))
                {
                    text.Append(update.Text);
                }
            })];
            await started;
        }

        await Task.WhenAll(requests).FailIfHung("the four requests");

        var recovered = await check.CheckHealthAsync(context, token);
        Assert.True(engine.FaultCount > 0, "the real KV cache overflowed at least once");
        Assert.Equal(HealthStatus.Healthy, recovered.Status);
        Assert.Equal(engine.FaultCount, recovered.Data["faults"]);
        Assert.Contains("recovered from", recovered.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unhealthy_while_the_engine_cannot_rebuild_after_a_fault_requests_say_why_and_healthy_again_once_it_can()
    {
        var token = TestContext.Current.CancellationToken;
        var state = new UrialServiceState("broken", new UrialOptions { ModelPath = TestModel.Path });
        await using var engine = new UrialEngine(new UrialEngineOptions { ModelPath = TestModel.Path, ContextSize = 256, MaxConcurrentRequests = 4, PrefixCacheSequences = 0, CellBudgetOverride = 100_000 });
        var check = new UrialHealthCheck(state, engine);
        await engine.WarmUpAsync(token);
        state.MarkReady(TimeSpan.FromMilliseconds(1));
        engine.RebuildFault = new InvalidOperationException("simulated: the context could not be created again");

        // Four requests overflow the real 256 cells: the engine must rebuild, and cannot. The loop waits after its first
        // step while all four are queued, so that the next step runs them together, on any machine.
        Task<Exception?>[] requests;
        using (var gate = new LoopGate(engine))
        {
            var started = gate.HoldWhenAsync(report => report.Running.Count > 0);
            requests = [.. Enumerable.Range(0, 4).Select(i => Record.ExceptionAsync(async () =>
            {
                await foreach (var update in engine.GenerateAsync(new GenerationRequest($"Once upon a time, cat number {i} went out.") { MaxOutputTokens = 90, Sampling = new SamplingParameters { RepetitionPenalty = 1f } }, token))
                {
                }
            }).AsTask())];
            await started;
        }

        var outcomes = await Task.WhenAll(requests).FailIfHung("the four requests");
        var broken = await check.CheckHealthAsync(new HealthCheckContext(), token);
        var refused = await Record.ExceptionAsync(async () =>
        {
            await foreach (var update in engine.GenerateAsync(new GenerationRequest("Once") { MaxOutputTokens = 2 }, token))
            {
            }
        }).AsTask();

        Assert.Contains(outcomes, error => error is InvalidOperationException { Message: var message } && message.Contains("could not recover its executor", StringComparison.Ordinal));
        Assert.Equal(HealthStatus.Unhealthy, broken.Status);
        Assert.Contains("could not rebuild its executor", broken.Description, StringComparison.Ordinal);
        var error = Assert.IsType<InvalidOperationException>(refused);
        Assert.Contains("cannot serve requests", error.Message, StringComparison.Ordinal);
        Assert.Contains("simulated", error.InnerException!.Message, StringComparison.Ordinal);

        engine.RebuildFault = null;
        var text = new StringBuilder();
        await foreach (var update in engine.GenerateAsync(new GenerationRequest("Once") { MaxOutputTokens = 2 }, token))
        {
            text.Append(update.Text);
        }

        Assert.NotEmpty(text.ToString());
        Assert.Equal(HealthStatus.Healthy, (await check.CheckHealthAsync(new HealthCheckContext(), token)).Status);
    }
}
