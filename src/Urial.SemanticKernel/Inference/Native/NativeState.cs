using System.Text;
using LLama;
using LLama.Batched;
using LLama.Common;
using LLama.Exceptions;
using LLama.Native;
using Microsoft.Extensions.Logging;

namespace Urial.SemanticKernel;

/// <summary>
/// The native objects of one engine: weights, executor and the root sequence that holds the evaluated prefix.
/// Used only from the engine loop.
/// </summary>
internal sealed class NativeState : IDisposable
{
    /// <summary>The fewest tokens a request needs beyond the prefix: a few prompt tokens and a few output tokens.</summary>
    private const int MinimumRequestCells = 32;

    private readonly ModelParams _parameters;
    private Conversation? _root;
    private Conversation.State? _prefixState;

    private NativeState(LLamaWeights weights, ModelParams parameters, OffloadPlan offload, LLamaToken[] prefixTokens)
    {
        Weights = weights;
        Offload = offload;
        _parameters = parameters;
        PrefixTokens = prefixTokens;
        Executor = CreateExecutor();
    }

    public LLamaWeights Weights { get; }

    /// <summary>Gets what was offloaded to a GPU: other contexts over these weights (embeddings) offload alike.</summary>
    public OffloadPlan Offload { get; }

    public BatchedExecutor Executor { get; private set; }

    public LLamaToken[] PrefixTokens { get; }

    /// <summary>Gets the most UTF-8 bytes one token of this model stands for: a text longer than the context times this cannot fit, untokenized.</summary>
    public int LongestTokenBytes { get; private init; } = 1;

    /// <summary>Gets which tokens keep an answer well-formed UTF-8 (special tokens as text are not produced: prompts are tokenized with <c>special: false</c>).</summary>
    public Utf8TokenTable Utf8 { get; private init; } = null!;

    /// <summary>Gets the finished sequences kept for reuse; they live in this executor and die with it.</summary>
    public SequenceCache Cache { get; private set; } = new(0, 0);

    public static NativeState Load(EngineSettings settings, ILogger logger)
    {
        ModelFile.Validate(settings.ModelPath);
        var offload = OffloadPlan.Resolve(settings.Backend, settings.GpuLayerCount, NativeApi.llama_supports_gpu_offload());
        var parameters = new ModelParams(settings.ModelPath)
        {
            ContextSize = (uint)settings.ContextSize,
            BatchSize = (uint)settings.BatchSize,
            UBatchSize = (uint)settings.BatchSize,
            SeqMax = (uint)(1 + settings.MaxConcurrentRequests + settings.PrefixCacheSequences), // root + running + cached
            KVUnified = true, // Fork() aborts the process without a unified KV cache
            Threads = settings.Threads,
            BatchThreads = settings.BatchThreads,
            GpuLayerCount = offload.GpuLayerCount,
            OpOffload = offload.OffloadOperations,
            NoKqvOffload = !offload.OffloadOperations,
            FlashAttention = settings.FlashAttention,
        };

        LLamaWeights weights;
        try
        {
            weights = LLamaWeights.LoadFromFile(parameters);
        }
        catch (LoadWeightsFailedException ex)
        {
            throw new InvalidDataException($"llama.cpp could not load the model file '{settings.ModelPath}': it is corrupt, truncated or of an unsupported architecture. Re-download or re-convert it.", ex);
        }

        try
        {
            if (settings.ContextSize > weights.ContextSize && weights.ContextSize > 0)
            {
                Log.ContextBeyondTraining(logger, settings.ContextSize, weights.ContextSize);
            }

            var utf8 = Utf8TokenTable.Create(weights.NativeHandle);
            if (settings.CachedPrefix is { } prefix)
            {
                TextBound.EnsureCanFit(prefix, settings.ContextSize, utf8.LongestPieceBytes, "The cached prefix (the URIAL prompt)");
            }

            var prefixTokens = settings.CachedPrefix is null
                ? []
                : weights.Tokenize(settings.CachedPrefix, add_bos: true, special: false, Encoding.UTF8);
            if (prefixTokens.Length + MinimumRequestCells > settings.ContextSize)
            {
                throw new ArgumentException(
                    $"ContextSize {settings.ContextSize} cannot hold the URIAL prefix ({prefixTokens.Length} tokens with this model's tokenizer) plus a request; " +
                    $"raise ContextSize to at least {prefixTokens.Length + MinimumRequestCells} (a few thousand more leaves room for conversations).");
            }

            // A quarter of the room beyond the prefix: enough for the recent turns of a few conversations, not so much
            // that attention over idle cached cells dominates decoding.
            var cacheCells = (settings.ContextSize - prefixTokens.Length) / 4;
            var state = new NativeState(weights, parameters, offload, prefixTokens) { Cache = new SequenceCache(settings.PrefixCacheSequences, cacheCells), LongestTokenBytes = utf8.LongestPieceBytes, Utf8 = utf8 };
            state.EvaluatePrefix(settings, offload, logger);
            return state;
        }
        catch
        {
            weights.Dispose();
            throw;
        }
    }

    /// <summary>Gets how many leading tokens of <paramref name="tokens"/> can be served from the cached prefix.</summary>
    /// <remarks>At least the last prompt token is always evaluated, so that there are logits to sample from.</remarks>
    public int ReusablePrefixLength(IReadOnlyList<LLamaToken> tokens)
    {
        var limit = Math.Min(PrefixTokens.Length, tokens.Count - 1);
        var length = 0;
        while (length < limit && PrefixTokens[length] == tokens[length])
        {
            length++;
        }

        return length;
    }

    /// <summary>
    /// Starts a sequence for <paramref name="tokens"/> that already holds the longest reusable prefix of them: a fork
    /// (no copy, no evaluation) of a cached finished sequence or of the root, cut back to what matches.
    /// </summary>
    /// <param name="tokens">The request's tokens.</param>
    /// <param name="fromRoot">The request's <see cref="ReusablePrefixLength"/>, computed once at admission.</param>
    /// <param name="reused">How many leading tokens the new sequence holds.</param>
    public Conversation StartSequence(List<LLamaToken> tokens, int fromRoot, out int reused)
    {
        var (entry, fromCache) = Cache.FindLongest(tokens);
        if (entry is not null && fromCache > fromRoot)
        {
            reused = fromCache;
            return ForkAt(entry.Sequence, entry.Tokens.Length, fromCache);
        }

        reused = fromRoot;
        return _root is null || fromRoot == 0 ? Executor.Create() : ForkAt(_root, PrefixTokens.Length, fromRoot);
    }

    private static Conversation ForkAt(Conversation source, int length, int keep)
    {
        var sequence = source.Fork();
        if (keep < length)
        {
            sequence.Rewind(length - keep);
        }

        return sequence;
    }

    /// <summary>Replaces a poisoned executor: the prefix comes back from its saved state in about a millisecond.</summary>
    public void RebuildExecutor()
    {
        Cache.Clear();
        _root?.Dispose();
        _root = null;
        Executor.Dispose();
        Executor = CreateExecutor();
        if (_prefixState is not null)
        {
            _root = Executor.Load(_prefixState);
        }
    }

    public void Dispose()
    {
        Cache.Clear();
        _root?.Dispose();
        _prefixState?.Dispose();
        Executor.Dispose();
        Weights.Dispose();
    }

    private BatchedExecutor CreateExecutor()
    {
        var executor = new BatchedExecutor(Weights, _parameters);
        if (executor.Context.NativeHandle.IsInvalid)
        {
            executor.Dispose();
            throw new InvalidOperationException("llama.cpp could not create a context with these options (see the LLama.Native log); try a smaller ContextSize or BatchSize, or turn FlashAttention off.");
        }

        return executor;
    }

    /// <summary>Gets a value indicating whether the prefix was restored from a state file instead of evaluated.</summary>
    public bool PrefixRestoredFromFile { get; private set; }

    private void EvaluatePrefix(EngineSettings settings, OffloadPlan offload, ILogger logger)
    {
        if (PrefixTokens.Length == 0)
        {
            return;
        }

        var file = settings.PrefixStateDirectory is null
            ? null
            : PrefixStateFile.For(settings.PrefixStateDirectory, settings.ModelPath, PrefixTokens, $"{settings.ContextSize}/{settings.BatchSize}/{settings.FlashAttention}/{offload.GpuLayerCount}");
        if (file is not null)
        {
            try
            {
                _root = file.TryLoad(Executor, PrefixTokens.Length);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException or System.Text.Json.JsonException or LLama.Exceptions.RuntimeError)
            {
                Log.PrefixStateUnusable(logger, file.StatePath, ex);
                file.Delete();
            }

            if (_root is not null)
            {
                PrefixRestoredFromFile = true;
                _prefixState = _root.Save();
                return;
            }
        }

        _root = Executor.Create();
        var batch = (int)_parameters.BatchSize;
        for (var start = 0; start < PrefixTokens.Length; start += batch)
        {
            _root.Prompt(PrefixTokens.AsSpan(start, Math.Min(batch, PrefixTokens.Length - start)));
            var result = Executor.Infer().GetAwaiter().GetResult();
            if (result != DecodeResult.Ok)
            {
                throw new InvalidOperationException($"Evaluating the URIAL prefix failed ({result}); raise ContextSize.");
            }
        }

        _prefixState = _root.Save();
        if (file is not null)
        {
            try
            {
                file.Save(_root);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Log.PrefixStateUnusable(logger, file.StatePath, ex);
            }
        }
    }
}
