namespace Urial.SemanticKernel;

/// <summary>An engine's health at one moment, as a health check reports it.</summary>
public sealed class UrialEngineHealth
{
    /// <summary>Gets whether the engine can serve requests now.</summary>
    public UrialEngineStatus Status { get; init; }

    /// <summary>Gets a sentence for operators that says why the engine is in this state.</summary>
    public string Description { get; init; } = string.Empty;

    /// <summary>Gets how many faults the engine recovered from since it started.</summary>
    public int FaultCount { get; init; }

    /// <summary>Gets the error that makes the engine unhealthy, if any.</summary>
    public Exception? Error { get; init; }
}
