namespace Urial.SemanticKernel;

/// <summary>The validated, immutable copy of <see cref="UrialRemoteEngineOptions"/> the engine works from.</summary>
internal sealed class RemoteSettings
{
    public RemoteSettings(UrialRemoteEngineOptions options)
    {
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid Urial remote engine options: " + string.Join(" ", errors), nameof(options));
        }

        Endpoints = [.. options.Endpoints.Select(e => new RemoteEndpoint(e))];
        Model = options.Model;
        ApiKey = options.ApiKey;
        Dialect = options.Dialect;
        ContextSize = options.ContextSize;
        DefaultMaxOutputTokens = options.DefaultMaxOutputTokens;
        PrefixAffinity = options.PrefixAffinity;
        AffinityLoadFactor = options.AffinityLoadFactor;
        MaxInFlightRequests = options.MaxInFlightRequests;
        AttemptTimeout = options.AttemptTimeout;
        MaxRetries = options.MaxRetries;
        RetryDelay = options.RetryDelay;
        CircuitBreakDuration = options.CircuitBreakDuration;
        StreamIdleTimeout = options.StreamIdleTimeout;
        ControlTokenTexts = [.. options.ControlTokenTexts];
    }

    public IReadOnlyList<RemoteEndpoint> Endpoints { get; }

    public string? Model { get; }

    public string? ApiKey { get; }

    public UrialRemoteDialect Dialect { get; }

    public int? ContextSize { get; }

    public int DefaultMaxOutputTokens { get; }

    public bool PrefixAffinity { get; }

    public double AffinityLoadFactor { get; }

    public int MaxInFlightRequests { get; }

    public TimeSpan AttemptTimeout { get; }

    public int MaxRetries { get; }

    public TimeSpan RetryDelay { get; }

    public TimeSpan CircuitBreakDuration { get; }

    public TimeSpan StreamIdleTimeout { get; }

    public IReadOnlyList<string> ControlTokenTexts { get; }
}
