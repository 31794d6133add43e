namespace Urial.SemanticKernel;

/// <summary>The configuration of one hosted Urial model (bound from a section such as <c>"Urial"</c>): the engine, the URIAL prompt and the default sampling.</summary>
/// <remarks>
/// Validated once at host start (see <c>AddUrialChatClient</c>); the engine copies what it needs and never reads these again.
/// Sampling defaults left <see langword="null"/> keep the engine's defaults (the URIAL paper's: greedy, repetition penalty 1.1);
/// set ones fill in every request that does not set its own value.
/// </remarks>
public sealed class UrialOptions
{
    /// <summary>The conventional configuration section name, <c>"Urial"</c>.</summary>
    public const string SectionName = "Urial";

    /// <summary>The <see cref="Prompt"/> value that selects the built-in prompt, <see cref="UrialPrompt.Default"/>.</summary>
    public const string DefaultPromptName = "default";

    /// <summary>Gets or sets the path of the GGUF base model file; relative paths resolve against the working directory.</summary>
    /// <value>Required; the file must exist and start with the GGUF magic bytes.</value>
    public string ModelPath { get; set; } = string.Empty;

    /// <summary>Gets or sets the model id reported in responses.</summary>
    /// <value><see langword="null"/> (the default) uses the model file's name without its extension.</value>
    public string? ModelId { get; set; }

    /// <summary>Gets or sets the URIAL prompt: <c>"default"</c> for the built-in one, or the path of a prompt file loaded with <see cref="UrialPrompt.Load"/>.</summary>
    /// <value><c>"default"</c> by default.</value>
    public string Prompt { get; set; } = DefaultPromptName;

    /// <summary>Gets or sets the context size in tokens, shared by the cached URIAL prefix and all concurrent requests.</summary>
    /// <value>8192 by default; valid range [64, 131072], and it must hold the prefix plus a request (checked when the model loads).</value>
    public int ContextSize { get; set; } = 8192;

    /// <summary>Gets or sets how many requests are decoded together; more wait in a queue.</summary>
    /// <value>8 by default; valid range [1, 64].</value>
    public int MaxConcurrentRequests { get; set; } = 8;

    /// <summary>Gets or sets how many requests may wait for admission; further requests are refused with <see cref="UrialCapacityExceededException"/>.</summary>
    /// <value>1024 by default; valid range [0, 1000000].</value>
    public int MaxQueuedRequests { get; set; } = 1024;

    /// <summary>Gets or sets how many finished conversations keep their evaluated KV for reuse by follow-up turns.</summary>
    /// <value>8 by default; 0 turns the cache off; valid range [0, 64].</value>
    public int PrefixCacheSequences { get; set; } = 8;

    /// <summary>Gets or sets the most tokens one decode step evaluates.</summary>
    /// <value>512 by default; valid range [32, 8192].</value>
    public int BatchSize { get; set; } = 512;

    /// <summary>Gets or sets the number of CPU threads that decode (one token per stream and step).</summary>
    /// <value><see langword="null"/> (the default) uses half the cores (measured fastest, docs/performance.md); valid range [1, 512].</value>
    public int? Threads { get; set; }

    /// <summary>Gets or sets a folder where the evaluated URIAL prefix is saved and restored across restarts.</summary>
    /// <value><see langword="null"/> (the default) saves nothing.</value>
    public string? PrefixStateDirectory { get; set; }

    /// <summary>Gets or sets the number of CPU threads that evaluate prompts.</summary>
    /// <value><see langword="null"/> (the default) uses every core; valid range [1, 512].</value>
    public int? BatchThreads { get; set; }

    /// <summary>Gets or sets how many layers are offloaded to the GPU.</summary>
    /// <value>
    /// <see langword="null"/> (the default) lets <see cref="Backend"/> decide: every layer on a GPU, none on the CPU. 0 keeps every layer on the
    /// CPU, -1 offloads every layer, a smaller count splits a model too large for the GPU. Must be unset or 0 when <see cref="Backend"/> is <see cref="UrialBackend.Cpu"/>.
    /// </value>
    public int? GpuLayerCount { get; set; }

    /// <summary>Gets or sets a value indicating whether flash attention is used.</summary>
    /// <value><see langword="false"/> by default.</value>
    public bool FlashAttention { get; set; }

    /// <summary>Gets or sets where llama.cpp runs the model.</summary>
    /// <value>
    /// <see cref="UrialBackend.Auto"/> by default: a GPU when the loaded llama.cpp can use one, else the CPU. <see cref="UrialBackend.Cuda"/>
    /// needs the <c>LLamaSharp.Backend.Cuda12</c> package (checked at host start) and a usable GPU (checked when the model loads).
    /// </value>
    public UrialBackend Backend { get; set; }

    /// <summary>Gets or sets the output budget of a request that does not set one.</summary>
    /// <value>512 by default; valid range [1, 131072]. Always capped by the room left in the context.</value>
    public int DefaultMaxOutputTokens { get; set; } = 512;

    /// <summary>Gets or sets the most tokens one text to embed may have (the embedding context, made on the first embedding request).</summary>
    /// <value>512 by default; valid range [16, 8192].</value>
    public int MaxEmbeddingTokens { get; set; } = 512;

    /// <summary>Gets or sets the default softmax temperature.</summary>
    /// <value><see langword="null"/> (greedy) by default; valid range [0, 2].</value>
    public float? Temperature { get; set; }

    /// <summary>Gets or sets the default nucleus (top-p) threshold.</summary>
    /// <value><see langword="null"/> (off) by default; valid range (0, 1].</value>
    public float? TopP { get; set; }

    /// <summary>Gets or sets the default number of most likely tokens kept.</summary>
    /// <value><see langword="null"/> (off) by default; 0 or more.</value>
    public int? TopK { get; set; }

    /// <summary>Gets or sets the default min-p threshold.</summary>
    /// <value><see langword="null"/> (off) by default; valid range [0, 1].</value>
    public float? MinP { get; set; }

    /// <summary>Gets or sets the default repetition penalty.</summary>
    /// <value><see langword="null"/> (1.1, the URIAL paper's) by default; valid range (0, 10], 1 is off.</value>
    public float? RepeatPenalty { get; set; }

    /// <summary>Gets or sets the default number of recent tokens the penalties consider.</summary>
    /// <value><see langword="null"/> (64) by default; valid range [0, 4096].</value>
    public int? PenaltyWindow { get; set; }

    /// <summary>Gets or sets the default frequency penalty.</summary>
    /// <value><see langword="null"/> (0) by default; valid range [-2, 2].</value>
    public float? FrequencyPenalty { get; set; }

    /// <summary>Gets or sets the default presence penalty.</summary>
    /// <value><see langword="null"/> (0) by default; valid range [-2, 2].</value>
    public float? PresencePenalty { get; set; }

    /// <summary>Gets or sets the default random seed.</summary>
    /// <value><see langword="null"/> (a random seed per request) by default; valid range [0, 4294967295].</value>
    public long? Seed { get; set; }

    /// <summary>Gets or sets what happens when a conversation does not fit the context, for requests that do not choose (<see cref="UrialChatClient.ContextOverflowKey"/> in <c>ChatOptions.AdditionalProperties</c>).</summary>
    /// <value><see cref="UrialContextOverflow.Error"/> by default; <see cref="UrialContextOverflow.DropOldestTurns"/> drops the oldest exchanges instead.</value>
    public UrialContextOverflow ContextOverflow { get; set; }

    /// <summary>Gets or sets the middleware the registration puts around the chat client (and, where it applies, the embedding generator).</summary>
    /// <value><see cref="UrialMiddleware.Default"/> (function invocation, OpenTelemetry and logging) by default; <see cref="UrialMiddleware.None"/> registers the bare client, for a pipeline composed entirely on the returned builder.</value>
    public UrialMiddleware Middleware { get; set; } = UrialMiddleware.Default;

    /// <summary>Gets or sets a value indicating whether a remote engine serves these options: the local model's settings are then not used or checked.</summary>
    internal bool IsRemote { get; set; }

    /// <summary>Gets or sets a prompt given in code, which takes precedence over <see cref="Prompt"/> (not bindable).</summary>
    internal UrialPrompt? PromptInstance { get; set; }

    /// <summary>Loads the prompt named by <see cref="Prompt"/>.</summary>
    /// <exception cref="FileNotFoundException">The prompt file does not exist.</exception>
    /// <exception cref="InvalidDataException">The prompt file is not UTF-8 or has no turns.</exception>
    internal UrialPrompt LoadPrompt() =>
        PromptInstance
        ?? (string.IsNullOrWhiteSpace(Prompt) || string.Equals(Prompt, DefaultPromptName, StringComparison.OrdinalIgnoreCase) ? UrialPrompt.Default : UrialPrompt.Load(Prompt));

    /// <summary>Gets the default sampling as engine parameters, to validate them.</summary>
    internal SamplingParameters ToSamplingDefaults()
    {
        var defaults = SamplingParameters.Default;
        return defaults with
        {
            Temperature = Temperature ?? defaults.Temperature,
            TopP = TopP ?? defaults.TopP,
            TopK = TopK ?? defaults.TopK,
            MinP = MinP ?? defaults.MinP,
            RepetitionPenalty = RepeatPenalty ?? defaults.RepetitionPenalty,
            PenaltyWindow = PenaltyWindow ?? defaults.PenaltyWindow,
            FrequencyPenalty = FrequencyPenalty ?? defaults.FrequencyPenalty,
            PresencePenalty = PresencePenalty ?? defaults.PresencePenalty,
            Seed = Seed ?? defaults.Seed,
        };
    }
}
