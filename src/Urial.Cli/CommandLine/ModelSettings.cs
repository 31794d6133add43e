using System.CommandLine;
using Urial.SemanticKernel;

namespace Urial.Cli;

/// <summary>How models are loaded: <c>--context</c>, <c>--batch</c>, <c>--gpu-layers</c> and <c>--threads</c>.</summary>
/// <param name="ContextSize">Context cells (default 8192: the default URIAL prefix alone is 2,736 tokens with a 512-token vocabulary).</param>
/// <param name="BatchSize">Tokens per decode (default 512); prompts are evaluated in chunks of at most this many.</param>
/// <param name="GpuLayers">Layers offloaded to a GPU backend (default 0; -1 = all). The packaged backend is CPU only.</param>
/// <param name="Threads">CPU threads, or <see langword="null"/> for llama.cpp's default (half the cores).</param>
internal sealed record ModelSettings(int ContextSize, int BatchSize, int GpuLayers, int? Threads)
{
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

/// <summary>The model-loading options of every command that loads a model.</summary>
internal sealed class ModelOptions
{
    private readonly Option<int> _context = CliOptions.Integer("--context", "Context size in tokens (the URIAL prefix, the prompt and the answer must fit).", 256, 8192);
    private readonly Option<int> _batch = CliOptions.Integer("--batch", "Tokens per decode; prompts are evaluated in chunks of at most this many.", 8, 512);
    private readonly Option<int> _gpuLayers = CliOptions.Integer("--gpu-layers", "Layers offloaded to a GPU backend (-1 = all; needs a GPU backend package).", -1, 0);
    private readonly Option<int?> _threads = CliOptions.OptionalInteger("--threads", "CPU threads (default: llama.cpp's, half the cores).", 1);

    public void AddTo(Command command)
    {
        command.Add(_context);
        command.Add(_batch);
        command.Add(_gpuLayers);
        command.Add(_threads);
    }

    public ModelSettings Read(ParseResult result) =>
        new(result.GetValue(_context), result.GetValue(_batch), result.GetValue(_gpuLayers), result.GetValue(_threads));
}
