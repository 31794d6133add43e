namespace Urial.SemanticKernel;

/// <summary>Settings of the local LLamaSharp engine.</summary>
/// <remarks>The engine validates and copies these once, when it is created; later changes have no effect.</remarks>
public sealed class UrialEngineOptions
{
    /// <summary>Gets or sets the path of the GGUF model file (a base model, not a -chat/-instruct one).</summary>
    public string ModelPath { get; set; } = string.Empty;

    /// <summary>Gets or sets the model id reported in responses.</summary>
    /// <value><see langword="null"/> (the default) uses the model file's name without its extension.</value>
    public string? ModelId { get; set; }

    /// <summary>Gets or sets the text that every prompt is expected to start with: it is evaluated once and reused by every request.</summary>
    /// <value><see langword="null"/> (the default) caches nothing. The chat client sets it to the URIAL prompt's constant text.</value>
    public string? CachedPrefix { get; set; }

    /// <summary>Gets or sets the context size in tokens, shared by the cached prefix and all concurrent requests.</summary>
    /// <value>8192 by default; valid range [64, 131072]. The URIAL prefix takes about 1k tokens with a Llama-class tokenizer (3.4k with a 512-token vocabulary).</value>
    public int ContextSize { get; set; } = 8192;

    /// <summary>Gets or sets how many requests are decoded together; more wait in a queue.</summary>
    /// <value>8 by default; valid range [1, 64].</value>
    public int MaxConcurrentRequests { get; set; } = 8;

    /// <summary>Gets or sets how many requests may wait for admission; further requests are refused with <see cref="UrialCapacityExceededException"/>.</summary>
    /// <value>1024 by default; valid range [0, 1000000].</value>
    public int MaxQueuedRequests { get; set; } = 1024;

    /// <summary>Gets or sets how many finished conversations keep their evaluated KV, so that a follow-up turn evaluates only its new tokens.</summary>
    /// <value>8 by default; 0 turns the cache off; valid range [0, 64]. Cached sequences hold at most a quarter of the context beyond the prefix (idle cells slow every stream's attention) and give their cells back whenever a request needs them.</value>
    public int PrefixCacheSequences { get; set; } = 8;

    /// <summary>Gets or sets the most tokens one decode step evaluates; long prompts are prefilled in chunks of this size.</summary>
    /// <value>512 by default; valid range [32, 8192].</value>
    public int BatchSize { get; set; } = 512;

    /// <summary>Gets or sets the number of CPU threads that decode one token per stream.</summary>
    /// <value><see langword="null"/> (the default) uses half the cores: on a loaded 2-core CPU two decode threads were measured 2–3.7× slower than one (docs/performance.md).</value>
    public int? Threads { get; set; }

    /// <summary>Gets or sets the number of CPU threads that evaluate prompts (many tokens per step).</summary>
    /// <value><see langword="null"/> (the default) uses every core: prompt evaluation scales with cores.</value>
    public int? BatchThreads { get; set; }

    /// <summary>Gets or sets where llama.cpp runs the model.</summary>
    /// <value><see cref="UrialBackend.Auto"/> by default: a GPU when the loaded llama.cpp can use one, else the CPU.</value>
    public UrialBackend Backend { get; set; }

    /// <summary>Gets or sets how many layers are offloaded to a GPU.</summary>
    /// <value>
    /// <see langword="null"/> (the default) lets <see cref="Backend"/> decide: every layer on a GPU, none on the CPU. 0 keeps every layer on
    /// the CPU; -1 offloads every layer; a smaller count splits a model too large for the GPU's memory. Must be unset or 0 with <see cref="UrialBackend.Cpu"/>.
    /// </value>
    public int? GpuLayerCount { get; set; }

    /// <summary>Gets or sets a value indicating whether flash attention is used.</summary>
    /// <value><see langword="false"/> by default: on CPUs it was measured slower.</value>
    public bool FlashAttention { get; set; }

    /// <summary>Gets or sets the output budget of a request that does not set one.</summary>
    /// <value>512 by default; must be positive. Always capped by the room left in the context.</value>
    public int DefaultMaxOutputTokens { get; set; } = 512;

    /// <summary>Gets or sets the most tokens one text to embed may have; it is also the size of the embedding context (made on the first embedding request, over the same weights).</summary>
    /// <value>512 by default; valid range [16, 8192]. Each token costs the embedding context one KV cell per layer, beside the chat context.</value>
    public int MaxEmbeddingTokens { get; set; } = 512;

    /// <summary>Gets or sets a folder where the evaluated prefix is saved, so that a restart restores it instead of evaluating it again.</summary>
    /// <value><see langword="null"/> (the default) saves nothing. Files are keyed by model, prefix, LLamaSharp version and context parameters; a stale or corrupt file is ignored and rebuilt.</value>
    public string? PrefixStateDirectory { get; set; }

    /// <summary>Gets or sets the KV cells admission control believes it has, for tests that must make the real cache overflow.</summary>
    internal int? CellBudgetOverride { get; set; }

    /// <summary>Checks every value and returns a description of each problem found.</summary>
    /// <returns>The problems, each naming the option and what to fix; empty when the options are valid.</returns>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(ModelPath))
        {
            errors.Add("ModelPath is required: set it to the path of a GGUF base model file.");
        }

        Range(errors, nameof(ContextSize), ContextSize, 64, 131_072);
        Range(errors, nameof(MaxConcurrentRequests), MaxConcurrentRequests, 1, 64);
        Range(errors, nameof(BatchSize), BatchSize, 32, 8192);
        Range(errors, nameof(MaxQueuedRequests), MaxQueuedRequests, 0, 1_000_000);
        Range(errors, nameof(PrefixCacheSequences), PrefixCacheSequences, 0, 64);
        if (MaxConcurrentRequests > BatchSize)
        {
            errors.Add($"MaxConcurrentRequests ({MaxConcurrentRequests}) must not exceed BatchSize ({BatchSize}): every running stream puts one token in each step's batch.");
        }
        Range(errors, nameof(DefaultMaxOutputTokens), DefaultMaxOutputTokens, 1, 131_072);
        Range(errors, nameof(MaxEmbeddingTokens), MaxEmbeddingTokens, 16, 8192);
        if (Threads is { } threads)
        {
            Range(errors, nameof(Threads), threads, 1, 512);
        }

        if (BatchThreads is { } batchThreads)
        {
            Range(errors, nameof(BatchThreads), batchThreads, 1, 512);
        }

        if (GpuLayerCount < -1)
        {
            errors.Add($"GpuLayerCount is {GpuLayerCount}; use 0 for CPU only, a positive count, or -1 for every layer.");
        }

        if (!Enum.IsDefined(Backend))
        {
            errors.Add($"Backend is {Backend}; use Auto, Cpu or Cuda.");
        }
        else if (Backend == UrialBackend.Cpu && GpuLayerCount is { } layers && layers != 0)
        {
            errors.Add($"GpuLayerCount is {layers} but Backend is Cpu; leave GpuLayerCount unset or 0, or set Backend to Auto or Cuda.");
        }

        return errors;
    }

    private static void Range(List<string> errors, string name, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            errors.Add($"{name} is {value}; it must be between {min} and {max}.");
        }
    }
}
