namespace Urial.SemanticKernel;

/// <summary>Whether an engine can serve requests now.</summary>
public enum UrialEngineStatus
{
    /// <summary>The model is loading or the cached prefix is being evaluated; requests wait.</summary>
    Starting,

    /// <summary>The engine serves requests.</summary>
    Healthy,

    /// <summary>The engine serves requests with reduced capacity (for example, some of a remote engine's replicas are down).</summary>
    Degraded,

    /// <summary>The engine cannot serve requests: it failed to start, it could not recover from a fault, or it was disposed.</summary>
    Unhealthy,
}
