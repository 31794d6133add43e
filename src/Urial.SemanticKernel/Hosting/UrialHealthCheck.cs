using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Urial.SemanticKernel;

/// <summary>Reports one registered model: Unhealthy until warmed up (or when warm-up failed), Degraded after engine faults, else Healthy.</summary>
internal sealed class UrialHealthCheck(UrialServiceState state, IUrialEngine engine) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (state.Failure is { } failure)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy($"Urial model {state.DisplayName} failed to start: {failure.Message}", failure));
        }

        if (!state.IsReady)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy($"Urial model {state.DisplayName} is warming up."));
        }

        var faults = (engine as UrialEngine)?.FaultCount ?? 0;
        var data = new Dictionary<string, object>
        {
            ["modelId"] = engine.ModelId,
            ["warmUpMs"] = state.WarmUpTime.TotalMilliseconds,
            ["faults"] = faults,
        };
        return Task.FromResult(faults > 0
            ? HealthCheckResult.Degraded($"Urial model {state.DisplayName} recovered from {faults} engine fault(s) since start; see the error log.", data: data)
            : HealthCheckResult.Healthy($"Urial model {state.DisplayName} is ready.", data));
    }
}
