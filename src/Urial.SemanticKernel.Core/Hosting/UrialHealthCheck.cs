using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Urial.SemanticKernel;

/// <summary>
/// Reports one registered model as its engine sees itself now: Unhealthy while warming up, when warm-up failed or when the
/// engine cannot serve; Degraded when it serves with reduced capacity; Healthy otherwise — also after it recovered from a fault.
/// </summary>
internal sealed class UrialHealthCheck(UrialServiceState state, IUrialEngine engine) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (state.Failure is { } failure)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy($"Urial model {state.DisplayName} failed to start: {failure.Message}", failure));
        }

        var health = engine.GetHealth();
        var data = new Dictionary<string, object>
        {
            ["modelId"] = engine.ModelId,
            ["status"] = health.Status.ToString(),
            ["faults"] = health.FaultCount,
        };
        if (state.IsReady)
        {
            data["warmUpMs"] = state.WarmUpTime.TotalMilliseconds;
        }

        var description = $"Urial model {state.DisplayName}: {health.Description}";
        return Task.FromResult(health.Status switch
        {
            UrialEngineStatus.Healthy when state.IsReady => HealthCheckResult.Healthy(description, data),
            UrialEngineStatus.Healthy or UrialEngineStatus.Starting => HealthCheckResult.Unhealthy($"Urial model {state.DisplayName} is warming up.", data: data),
            UrialEngineStatus.Degraded => HealthCheckResult.Degraded(description, health.Error, data),
            _ => HealthCheckResult.Unhealthy(description, health.Error, data),
        });
    }
}
