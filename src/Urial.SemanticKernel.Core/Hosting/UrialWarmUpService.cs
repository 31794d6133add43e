using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Urial.SemanticKernel;

/// <summary>Loads one registered model and evaluates its URIAL prefix when the host starts, so the first request does not pay for it.</summary>
/// <remarks>
/// Start-up waits for the warm-up: a model that cannot load (or a context too small for the prefix) fails the
/// host start with the engine's message. Stopping leaves the engine alone: the container owns it and disposes it
/// (once) when the host is disposed, which ends requests still in flight with <see cref="ObjectDisposedException"/>.
/// </remarks>
internal sealed class UrialWarmUpService(string? serviceId, IServiceProvider services) : IHostedService
{
    private readonly ILogger _logger = (services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger<UrialWarmUpService>();

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var state = services.GetRequiredKeyedService<UrialServiceState>(serviceId);
        var started = Stopwatch.GetTimestamp();
        try
        {
            HostingLog.WarmingUp(_logger, state.DisplayName, state.Options.ModelPath);
            var engine = services.GetRequiredKeyedService<IUrialEngine>(serviceId);
            await engine.WarmUpAsync(cancellationToken).ConfigureAwait(false);
            state.MarkReady(Stopwatch.GetElapsedTime(started));
            HostingLog.WarmedUp(_logger, state.DisplayName, engine.ModelId, state.WarmUpTime.TotalMilliseconds);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            state.MarkFailed(ex);
            HostingLog.WarmUpFailed(_logger, state.DisplayName, ex);
            throw new InvalidOperationException($"The Urial model {state.DisplayName} failed to start: {ex.Message}", ex);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
