using LLama.Native;

namespace Urial.SemanticKernel;

/// <summary>One call's texts to embed, already tokenized; the engine loop fills <see cref="Vectors"/> a pack at a time.</summary>
internal sealed class EmbeddingJob(LLamaToken[][] texts, CancellationToken cancellationToken)
{
    public LLamaToken[][] Texts { get; } = texts;

    public float[][] Vectors { get; } = new float[texts.Length][];

    /// <summary>Gets or sets how many texts are embedded so far (written by the loop only).</summary>
    public int Done { get; set; }

    public CancellationToken CancellationToken { get; } = cancellationToken;

    public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
