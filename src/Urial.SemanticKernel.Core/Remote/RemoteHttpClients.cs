using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace Urial.SemanticKernel;

/// <summary>
/// Registers the named <see cref="HttpClient"/> a remote engine uses, with Microsoft.Extensions.Http.Resilience's standard
/// pipeline: a per-attempt timeout, retries with exponential back-off and a circuit breaker, one pipeline per endpoint.
/// </summary>
/// <remarks>
/// The engine reads answers as streams (<see cref="HttpCompletionOption.ResponseHeadersRead"/>), so the pipeline covers an
/// attempt up to its response headers: a retry can never repeat streamed text. Header values are redacted from the factory's
/// logs, so the API key never reaches a log.
/// </remarks>
internal static class RemoteHttpClients
{
    /// <summary>The name prefix of the engine's clients; a keyed registration appends its service id.</summary>
    public const string NamePrefix = "Urial.Remote";

    /// <summary>Failures among this many attempts within the sampling window may open an endpoint's circuit.</summary>
    private const int BreakerMinimumThroughput = 10;

    /// <summary>The share of failed attempts that opens an endpoint's circuit.</summary>
    private const double BreakerFailureRatio = 0.5;

    public static string Name(string? serviceId) => serviceId is null ? NamePrefix : $"{NamePrefix}.{serviceId}";

    public static IHttpClientBuilder Add(IServiceCollection services, string name, Func<IServiceProvider, RemoteSettings> settings)
    {
        var builder = services.AddHttpClient(name, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .RedactLoggedHeaders(_ => true)
            // An answer abandoned mid-stream (a stop sequence, a cancellation) closes its connection at once instead of being
            // drained: the server notices at its next write and frees the slot.
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { MaxResponseDrainSize = 0, PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
        builder.AddStandardResilienceHandler()
            .Configure((HttpStandardResilienceOptions options, IServiceProvider provider) => Configure(options, settings(provider)))
            .SelectPipelineByAuthority();
        return builder;
    }

    private static void Configure(HttpStandardResilienceOptions options, RemoteSettings settings)
    {
        var attempt = settings.AttemptTimeout;
        options.AttemptTimeout.Timeout = attempt;
        options.Retry.MaxRetryAttempts = Math.Max(1, settings.MaxRetries);
        options.Retry.Delay = settings.RetryDelay;
        options.Retry.BackoffType = DelayBackoffType.Exponential;
        options.Retry.UseJitter = true;
        if (settings.MaxRetries == 0)
        {
            options.Retry.ShouldHandle = _ => ValueTask.FromResult(false);
        }

        // Every attempt and every back-off fits; the total only stops a retry loop, never a streamed answer.
        var backoff = TimeSpan.FromTicks(settings.RetryDelay.Ticks * ((1L << Math.Max(1, settings.MaxRetries)) + 1));
        options.TotalRequestTimeout.Timeout = (attempt * (settings.MaxRetries + 1)) + backoff + TimeSpan.FromSeconds(1);
        options.CircuitBreaker.BreakDuration = settings.CircuitBreakDuration;
        options.CircuitBreaker.MinimumThroughput = BreakerMinimumThroughput;
        options.CircuitBreaker.FailureRatio = BreakerFailureRatio;
        options.CircuitBreaker.SamplingDuration = TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(30).Ticks, attempt.Ticks * 2));
    }
}
