using System.Diagnostics;
using System.Net;

namespace Urial.SemanticKernel;

/// <content>Warm-up, health and the replicas' state: which servers answer, what they are, when a down one is probed again.</content>
public sealed partial class UrialRemoteEngine
{
    private readonly Lock _warmUpLock = new();
    private Task? _warmUp;

    /// <inheritdoc/>
    /// <remarks>
    /// Probes every replica at once; completes when at least one answers (the others are marked down and probed again later).
    /// A failed warm-up is not remembered: the next call tries again, since servers often start after their clients.
    /// </remarks>
    /// <exception cref="UrialRemoteEngineException">No replica answered; the message names each one and why.</exception>
    public Task WarmUpAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        Task warmUp;
        lock (_warmUpLock)
        {
            if (_warmUp is null || _warmUp.IsFaulted || _warmUp.IsCanceled)
            {
                _warmUp = WarmUpCoreAsync();
            }

            warmUp = _warmUp;
        }

        return warmUp.WaitAsync(cancellationToken);
    }

    /// <inheritdoc/>
    public UrialEngineHealth GetHealth()
    {
        var faults = Volatile.Read(ref _faultCount);
        if (_disposed != 0)
        {
            return new UrialEngineHealth { Status = UrialEngineStatus.Unhealthy, Description = "The engine was disposed.", FaultCount = faults };
        }

        var warmUp = _warmUp;
        if (warmUp is null || !warmUp.IsCompleted)
        {
            return new UrialEngineHealth { Status = UrialEngineStatus.Starting, Description = "The engine is connecting to its servers.", FaultCount = faults };
        }

        ProbeDownReplicas();
        var down = _replicas.Where(r => r.IsDown || r.Info is null).ToList();
        if (warmUp.IsFaulted || down.Count == _replicas.Length)
        {
            var error = warmUp.Exception?.InnerException ?? down.Select(r => r.Failure).FirstOrDefault(f => f is not null);
            return new UrialEngineHealth { Status = UrialEngineStatus.Unhealthy, Description = "No server answers: " + Describe(down), FaultCount = faults, Error = error };
        }

        if (down.Count > 0)
        {
            return new UrialEngineHealth
            {
                Status = UrialEngineStatus.Degraded,
                Description = $"{_replicas.Length - down.Count} of {_replicas.Length} servers answer; down: {Describe(down)}",
                FaultCount = faults,
                Error = down[0].Failure,
            };
        }

        return new UrialEngineHealth
        {
            Status = UrialEngineStatus.Healthy,
            Description = $"All {_replicas.Length} server(s) answer{(faults == 0 ? "." : $"; {faults} request(s) failed over since the start.")}",
            FaultCount = faults,
        };
    }

    private static string Describe(IEnumerable<Replica> replicas) =>
        string.Join("; ", replicas.Select(r => $"{r.Endpoint.Address} ({r.Failure?.Message ?? "not probed yet"})"));

    private async Task WarmUpCoreAsync()
    {
        var probes = _replicas.Select(async replica =>
        {
            try
            {
                await ProbeAsync(replica, _shutdown.Token).ConfigureAwait(false);
                return null;
            }
            catch (Exception ex) when (ex is UrialRemoteEngineException or UrialCapacityExceededException)
            {
                return ex;
            }
        }).ToList();
        var failures = await Task.WhenAll(probes).ConfigureAwait(false);
        if (failures.All(f => f is not null))
        {
            throw _replicas.Length == 1
                ? failures[0]!
                : new UrialRemoteEngineException("No server of the remote engine answered: " + string.Join(" ", failures.Select(f => f!.Message)), failures[0]!);
        }

        if (_settings.Model is null && _replicas.All(r => r.Info?.Model is null) && _replicas.Any(r => r.Info?.Dialect != UrialRemoteDialect.LlamaCpp))
        {
            throw new UrialRemoteEngineException("The servers list no model at /v1/models: set the remote engine's Model.");
        }

        _ = ContextSize; // a server that reports no context length needs ContextSize configured: fail now, not on the first request
    }

    /// <summary>Asks a replica what it is and marks it up; on failure marks it down and rethrows.</summary>
    private async Task<ServerInfo> ProbeAsync(Replica replica, CancellationToken cancellationToken)
    {
        try
        {
            var info = await ServerProbe.ProbeAsync(Http(replica), _settings, cancellationToken).ConfigureAwait(false);
            var wasDown = replica.IsDown;
            replica.MarkUp(info);
            RemoteLog.ReplicaReady(_logger, replica.Endpoint.Address, info.Dialect, _settings.Model ?? info.Model, _settings.ContextSize ?? info.ContextSize);
            if (wasDown)
            {
                RemoteLog.ReplicaRecovered(_logger, replica.Endpoint.Address);
            }

            return info;
        }
        catch (UrialRemoteEngineException ex)
        {
            MarkDown(replica, ex);
            throw;
        }
    }

    private void MarkDown(Replica replica, Exception error)
    {
        if (!replica.IsDown)
        {
            RemoteLog.ReplicaDown(_logger, replica.Endpoint.Address, error);
        }

        replica.MarkDown(error, Stopwatch.GetTimestamp());
    }

    /// <summary>Probes each down replica again in the background, at most once per circuit-break duration, so a recovered server comes back.</summary>
    private void ProbeDownReplicas()
    {
        var now = Stopwatch.GetTimestamp();
        var interval = (long)(_settings.CircuitBreakDuration.TotalSeconds * Stopwatch.Frequency);
        foreach (var replica in _replicas)
        {
            if (replica.IsDown && _disposed == 0 && replica.TryClaimProbe(now, interval))
            {
                _ = ProbeQuietlyAsync(replica);
            }
        }
    }

    private async Task ProbeQuietlyAsync(Replica replica)
    {
        try
        {
            await ProbeAsync(replica, _shutdown.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is UrialRemoteEngineException or OperationCanceledException or ObjectDisposedException)
        {
            // Still down (or the engine stopped): the health report says so.
        }
    }

    /// <summary>Returns a client for the replica and what it is, probing it first if it was never reached.</summary>
    private async Task<(RemoteHttp Http, ServerInfo Info, RemoteDialect Dialect)> ConnectAsync(Replica replica, CancellationToken cancellationToken)
    {
        var info = replica.Info ?? await ProbeAsync(replica, cancellationToken).ConfigureAwait(false);
        return (Http(replica), info, RemoteDialect.For(info, _settings.Model));
    }

    private RemoteHttp Http(Replica replica) => new(_httpClients.CreateClient(_clientName), replica.Endpoint, _settings.ApiKey);

    /// <summary>A failure another replica may not have: no answer, an open circuit, a server error, or a broken stream — never a refused request.</summary>
    private static bool IsFailover(UrialRemoteEngineException error) =>
        error.StatusCode is null or >= HttpStatusCode.InternalServerError or HttpStatusCode.RequestTimeout;
}
