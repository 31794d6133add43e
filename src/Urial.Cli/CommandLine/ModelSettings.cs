using Urial.SemanticKernel;

namespace Urial.Cli;

/// <summary>How models are loaded: <c>--context</c>, <c>--batch</c>, <c>--gpu-layers</c> and <c>--threads</c>.</summary>
/// <param name="ContextSize">Context cells (default 8192: the default URIAL prefix alone is 2,736 tokens with a 512-token vocabulary).</param>
/// <param name="BatchSize">Tokens per decode (default 512); prompts are evaluated in chunks of at most this many.</param>
/// <param name="GpuLayers">Layers offloaded to a GPU backend (default 0; -1 = all). The packaged backend is CPU only.</param>
/// <param name="Threads">CPU threads, or <see langword="null"/> for llama.cpp's default (half the cores).</param>
internal sealed record ModelSettings(int ContextSize, int BatchSize, int GpuLayers, int? Threads)
{
    public static ModelSettings Read(Arguments options) => new(
        options.OptionalInt("context", 256) ?? 8192,
        options.OptionalInt("batch", 8) ?? 512,
        options.OptionalInt("gpu-layers", -1) ?? 0,
        options.OptionalInt("threads", 1));

    /// <summary>Copies the settings into the options of a <see cref="UrialEngine"/> (chat, eval).</summary>
    public void Apply(UrialEngineOptions engine)
    {
        engine.ContextSize = ContextSize;
        engine.BatchSize = BatchSize;
        engine.GpuLayerCount = GpuLayers;
        engine.Threads = Threads;
        engine.MaxConcurrentRequests = 1;
    }
}
