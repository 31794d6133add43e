namespace Urial.SemanticKernel;

/// <summary>One server of a remote engine: its address, what it told about itself, how busy it is and whether it answers.</summary>
/// <remarks>Thread-safe: requests lease it concurrently, probes and failures update it from any thread.</remarks>
internal sealed class Replica(RemoteEndpoint endpoint, int index)
{
    private int _inFlight;
    private ServerInfo? _info;
    private Exception? _failure;
    private long _lastProbe;

    public RemoteEndpoint Endpoint { get; } = endpoint;

    /// <summary>Gets the replica's position in the configuration: its identity for consistent hashing.</summary>
    public int Index { get; } = index;

    public int InFlight => Volatile.Read(ref _inFlight);

    public ServerInfo? Info => Volatile.Read(ref _info);

    /// <summary>Gets why the replica is considered down, or <see langword="null"/> when it answers.</summary>
    public Exception? Failure => Volatile.Read(ref _failure);

    public bool IsDown => Failure is not null;

    /// <summary>Counts a request in flight on this replica until the lease is disposed.</summary>
    public Lease Acquire()
    {
        Interlocked.Increment(ref _inFlight);
        return new Lease(this);
    }

    public void MarkUp(ServerInfo info)
    {
        Volatile.Write(ref _info, info);
        Volatile.Write(ref _failure, null);
    }

    public void MarkUp() => Volatile.Write(ref _failure, null);

    /// <summary>Marks the replica down; it is probed again no sooner than one probe interval from <paramref name="now"/>.</summary>
    public void MarkDown(Exception failure, long now)
    {
        Interlocked.Exchange(ref _lastProbe, now);
        Volatile.Write(ref _failure, failure);
    }

    /// <summary>Claims the right to probe a down replica again, at most once per <paramref name="interval"/>.</summary>
    public bool TryClaimProbe(long now, long interval)
    {
        var last = Interlocked.Read(ref _lastProbe);
        return now - last >= interval && Interlocked.CompareExchange(ref _lastProbe, now, last) == last;
    }

    public readonly struct Lease(Replica replica) : IDisposable
    {
        public void Dispose() => Interlocked.Decrement(ref replica._inFlight);
    }
}
