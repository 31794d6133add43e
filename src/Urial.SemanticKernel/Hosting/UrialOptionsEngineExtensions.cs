namespace Urial.SemanticKernel;

/// <summary>Maps the hosting options of a local model to the in-process engine's options.</summary>
internal static class UrialOptionsEngineExtensions
{
    /// <summary>Gets the engine options of the model <paramref name="options"/> name, with <paramref name="prompt"/>'s text as the cached prefix.</summary>
    public static UrialEngineOptions ToEngineOptions(this UrialOptions options, UrialPrompt prompt) =>
        new()
        {
            ModelPath = options.ModelPath,
            ModelId = options.ModelId,
            CachedPrefix = prompt.Text,
            ContextSize = options.ContextSize,
            MaxConcurrentRequests = options.MaxConcurrentRequests,
            MaxQueuedRequests = options.MaxQueuedRequests,
            PrefixCacheSequences = options.PrefixCacheSequences,
            BatchSize = options.BatchSize,
            Threads = options.Threads,
            BatchThreads = options.BatchThreads,
            PrefixStateDirectory = options.PrefixStateDirectory,
            Backend = options.Backend,
            GpuLayerCount = options.GpuLayerCount,
            FlashAttention = options.FlashAttention,
            DefaultMaxOutputTokens = options.DefaultMaxOutputTokens,
            MaxEmbeddingTokens = options.MaxEmbeddingTokens,
        };
}
