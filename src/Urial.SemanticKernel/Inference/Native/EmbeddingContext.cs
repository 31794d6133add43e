using LLama;
using LLama.Common;
using LLama.Native;
using Microsoft.Extensions.Logging;

namespace Urial.SemanticKernel;

/// <summary>
/// A llama.cpp context in embedding mode over the engine's loaded weights (no second copy of the model): each decode evaluates a
/// pack of texts, one sequence each, and llama.cpp pools every sequence into one vector. Used only from the engine loop.
/// </summary>
/// <remarks>
/// The pooling is the model's own when its file declares one (embedding models: mean, CLS or last token). Base models declare none
/// (llama.cpp would return one vector per token), so they are mean-pooled, as llama.cpp's embedding example and server do with
/// <c>--pooling mean</c>. Every vector is then L2-normalised, so a dot product is the cosine similarity.
/// </remarks>
internal sealed class EmbeddingContext : IDisposable
{
    /// <summary>The most texts one decode evaluates together (sequence slots of the context).</summary>
    public const int MaxSequences = 16;

    private readonly LLamaContext _context;
    private readonly LLamaBatch _batch = new();

    private EmbeddingContext(LLamaContext context, int maxTokens)
    {
        _context = context;
        MaxTokens = maxTokens;
        Dimensions = context.EmbeddingSize;
        Pooling = context.NativeHandle.PoolingType;
    }

    /// <summary>Gets the most tokens one decode evaluates: one text may have at most this many.</summary>
    public int MaxTokens { get; }

    /// <summary>Gets the length of every vector (the model's embedding width).</summary>
    public int Dimensions { get; }

    /// <summary>Gets the pooling llama.cpp applies.</summary>
    public LLamaPoolingType Pooling { get; }

    public static EmbeddingContext Create(LLamaWeights weights, EngineSettings settings, OffloadPlan offload, ILogger logger)
    {
        if (weights.NativeHandle is { HasEncoder: true, HasDecoder: true })
        {
            throw new NotSupportedException("Embeddings from encoder-decoder models are not supported; use a decoder-only (base LLM) or encoder-only GGUF.");
        }

        var context = CreateContext(weights, settings, offload, LLamaPoolingType.Unspecified, logger);
        if (context.NativeHandle.PoolingType == LLamaPoolingType.None)
        {
            // The model declares no pooling: one vector per token is no text embedding. Mean pooling it is.
            context.Dispose();
            context = CreateContext(weights, settings, offload, LLamaPoolingType.Mean, logger);
        }

        return new EmbeddingContext(context, settings.MaxEmbeddingTokens);
    }

    /// <summary>Evaluates <paramref name="texts"/> in one decode and returns their pooled, unit-length vectors, in order.</summary>
    /// <param name="texts">Tokenized texts: at most <see cref="MaxSequences"/>, together at most <see cref="MaxTokens"/> tokens.</param>
    /// <exception cref="InvalidOperationException">llama.cpp failed to evaluate the batch.</exception>
    public float[][] Embed(IReadOnlyList<LLamaToken[]> texts)
    {
        System.Diagnostics.Debug.Assert(texts.Count is > 0 and <= MaxSequences && texts.Sum(t => t.Length) <= MaxTokens, "the caller packs within the context");
        _context.NativeHandle.MemoryClear();
        _batch.Clear();
        for (var sequence = 0; sequence < texts.Count; sequence++)
        {
            var tokens = texts[sequence];
            for (var position = 0; position < tokens.Length; position++)
            {
                _batch.Add(tokens[position], position, (LLamaSeqId)sequence, logits: true);
            }
        }

        var result = _context.Decode(_batch);
        if (result != DecodeResult.Ok)
        {
            throw new InvalidOperationException($"llama.cpp failed to evaluate the texts to embed ({result}).");
        }

        var vectors = new float[texts.Count][];
        for (var sequence = 0; sequence < texts.Count; sequence++)
        {
            vectors[sequence] = Normalized(_context.NativeHandle.GetEmbeddingsSeq((LLamaSeqId)sequence));
        }

        return vectors;
    }

    public void Dispose() => _context.Dispose();

    /// <summary>Copies a vector scaled to unit Euclidean length (a zero vector stays zero).</summary>
    private static float[] Normalized(ReadOnlySpan<float> vector)
    {
        var sum = 0.0;
        foreach (var value in vector)
        {
            sum += (double)value * value;
        }

        var scale = sum > 0 ? 1.0 / Math.Sqrt(sum) : 0.0;
        var result = new float[vector.Length];
        for (var i = 0; i < vector.Length; i++)
        {
            result[i] = (float)(vector[i] * scale);
        }

        return result;
    }

    private static LLamaContext CreateContext(LLamaWeights weights, EngineSettings settings, OffloadPlan offload, LLamaPoolingType pooling, ILogger logger)
    {
        // Batch = micro-batch = context: a sequence must be pooled within one micro-batch, and a pack never exceeds the context.
        var parameters = new ModelParams(settings.ModelPath)
        {
            ContextSize = (uint)settings.MaxEmbeddingTokens,
            BatchSize = (uint)settings.MaxEmbeddingTokens,
            UBatchSize = (uint)settings.MaxEmbeddingTokens,
            SeqMax = MaxSequences,
            KVUnified = true, // the packed sequences share the cells, so one long text may use them all
            Embeddings = true,
            PoolingType = pooling,
            Threads = settings.Threads,
            BatchThreads = settings.BatchThreads,
            FlashAttention = settings.FlashAttention,
            OpOffload = offload.OffloadOperations,
            NoKqvOffload = !offload.OffloadOperations,
        };
        var context = weights.CreateContext(parameters, logger);
        if (context.NativeHandle.IsInvalid)
        {
            context.Dispose();
            throw new InvalidOperationException("llama.cpp could not create the embedding context (see the LLama.Native log); try a smaller MaxEmbeddingTokens.");
        }

        return context;
    }
}
