using Microsoft.Extensions.Diagnostics.HealthChecks;
using Urial.SemanticKernel;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the health check of a registered Urial model.</summary>
public static class UrialHealthChecksBuilderExtensions
{
    /// <summary>Adds a health check of the model registered under <paramref name="serviceId"/> as its engine is now: Unhealthy while warming up, when warm-up failed or when the engine cannot serve; Degraded while it serves with reduced capacity; Healthy otherwise, also after it recovered from a fault.</summary>
    /// <param name="builder">The health-checks builder.</param>
    /// <param name="serviceId">The service id the model was registered under, or <see langword="null"/> for the unkeyed one.</param>
    /// <param name="name">The check's name; <see langword="null"/> uses <c>urial</c> or <c>urial-{serviceId}</c>.</param>
    /// <param name="tags">Tags to filter checks by, or <see langword="null"/>.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <remarks>The model itself must be registered with <c>AddUrialChatClient</c>, <c>AddUrialEmbeddingGenerator</c> (or their keyed forms) or <c>AddUrialChatCompletion</c> under the same id.</remarks>
    public static IHealthChecksBuilder AddUrialHealthCheck(this IHealthChecksBuilder builder, string? serviceId = null, string? name = null, IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Add(new HealthCheckRegistration(
            name ?? (serviceId is null ? "urial" : "urial-" + serviceId),
            sp => new UrialHealthCheck(sp.GetRequiredKeyedService<UrialServiceState>(serviceId), sp.GetRequiredKeyedService<IUrialEngine>(serviceId)),
            failureStatus: null,
            tags));
    }
}
