namespace Urial.SemanticKernel;

/// <summary>What one registered Urial model shares between its engine, chat client, warm-up service and health check.</summary>
internal sealed class UrialServiceState
{
    private volatile Exception? _failure;
    private long _warmUpTicks = -1;

    public UrialServiceState(string? serviceId, UrialOptions options)
    {
        ServiceId = serviceId;
        Options = options;
        Prompt = options.LoadPrompt();
    }

    /// <summary>Gets the registration key, or <see langword="null"/> for the unkeyed registration.</summary>
    public string? ServiceId { get; }

    /// <summary>Gets the validated options of this model (one named-options instance per key).</summary>
    public UrialOptions Options { get; }

    /// <summary>Gets the URIAL prompt loaded once from <see cref="UrialOptions.Prompt"/>.</summary>
    public UrialPrompt Prompt { get; }

    /// <summary>Gets a display name for logs and health reports.</summary>
    public string DisplayName => ServiceId ?? "(default)";

    /// <summary>Gets a value indicating whether the warm-up completed.</summary>
    public bool IsReady => Interlocked.Read(ref _warmUpTicks) >= 0;

    /// <summary>Gets how long the warm-up took, once ready.</summary>
    public TimeSpan WarmUpTime => TimeSpan.FromTicks(Math.Max(0, Interlocked.Read(ref _warmUpTicks)));

    /// <summary>Gets why the warm-up failed, if it did.</summary>
    public Exception? Failure => _failure;

    public void MarkReady(TimeSpan elapsed) => Interlocked.Exchange(ref _warmUpTicks, elapsed.Ticks);

    public void MarkFailed(Exception failure) => _failure = failure;
}
