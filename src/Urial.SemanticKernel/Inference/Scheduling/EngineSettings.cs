namespace Urial.SemanticKernel;

/// <summary>The validated, immutable copy of <see cref="UrialEngineOptions"/> the engine runs with.</summary>
internal sealed class EngineSettings
{
    public EngineSettings(UrialEngineOptions options)
    {
        ModelPath = options.ModelPath;
        ModelId = options.ModelId ?? Path.GetFileNameWithoutExtension(options.ModelPath);
        CachedPrefix = string.IsNullOrEmpty(options.CachedPrefix) ? null : options.CachedPrefix;
        ContextSize = options.ContextSize;
        MaxConcurrentRequests = options.MaxConcurrentRequests;
        MaxQueuedRequests = options.MaxQueuedRequests;
        PrefixCacheSequences = options.PrefixCacheSequences;
        BatchSize = options.BatchSize;
        Threads = options.Threads ?? Math.Max(1, Environment.ProcessorCount / 2);
        BatchThreads = options.BatchThreads ?? Environment.ProcessorCount;
        Backend = options.Backend;
        GpuLayerCount = options.GpuLayerCount;
        FlashAttention = options.FlashAttention;
        DefaultMaxOutputTokens = options.DefaultMaxOutputTokens;
        MaxEmbeddingTokens = options.MaxEmbeddingTokens;
        CellBudgetOverride = options.CellBudgetOverride;
        PrefixStateDirectory = string.IsNullOrWhiteSpace(options.PrefixStateDirectory) ? null : options.PrefixStateDirectory;
    }

    public string ModelPath { get; }

    public string ModelId { get; }

    public string? CachedPrefix { get; }

    public int ContextSize { get; }

    public int MaxConcurrentRequests { get; }

    public int MaxQueuedRequests { get; }

    public int PrefixCacheSequences { get; }

    public int BatchSize { get; }

    public int Threads { get; }

    public int BatchThreads { get; }

    public UrialBackend Backend { get; }

    /// <summary>Gets the requested layer count; <see cref="OffloadPlan"/> resolves the one used when the model loads.</summary>
    public int? GpuLayerCount { get; }

    public bool FlashAttention { get; }

    public int DefaultMaxOutputTokens { get; }

    public int MaxEmbeddingTokens { get; }

    public int? CellBudgetOverride { get; }

    public string? PrefixStateDirectory { get; }
}
