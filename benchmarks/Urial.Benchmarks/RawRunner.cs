using System.Diagnostics;
using System.Text;
using LLama;
using LLama.Batched;
using LLama.Common;
using LLama.Native;

namespace Urial.Benchmarks;

/// <summary>
/// The baseline: a hand-written LLamaSharp <see cref="BatchedExecutor"/> loop doing the minimum work the engine does,
/// with the same context parameters, and no channels, threads, stop matcher or detokenizer.
/// </summary>
internal sealed class RawRunner : IDisposable
{
    private readonly int _batchSize;
    private readonly Conversation _root;

    public RawRunner(string modelPath, string prefix, int threads, int contextSize, int batchSize, int seqMax, int? batchThreads = null, bool flashAttention = false, GGMLType? keyType = null)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        _batchSize = batchSize;
        var parameters = new ModelParams(modelPath)
        {
            ContextSize = (uint)contextSize,
            BatchSize = (uint)batchSize,
            UBatchSize = (uint)batchSize,
            SeqMax = (uint)seqMax,
            KVUnified = true,
            Threads = threads,
            BatchThreads = batchThreads ?? threads,
            GpuLayerCount = 0,
            FlashAttention = flashAttention,
        };
        if (keyType is { } type)
        {
            parameters.TypeK = type;
        }

        Weights = LLamaWeights.LoadFromFile(parameters);
        Executor = new BatchedExecutor(Weights, parameters);
        if (Executor.Context.NativeHandle.IsInvalid)
        {
            // llama.cpp refused the context (e.g. a Q8_0 K cache when the head size is not a multiple of 32); using it would crash.
            Executor.Dispose();
            Weights.Dispose();
            throw new NotSupportedException("llama.cpp could not create a context with these parameters for this model.");
        }

        PrefixTokens = Tokenize(prefix);
        _root = Executor.Create();
        PromptChunked(_root, PrefixTokens);
        LoadSeconds = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    /// <summary>Gets the seconds spent loading the model and evaluating the prefix.</summary>
    public double LoadSeconds { get; }

    public LLamaWeights Weights { get; }

    public BatchedExecutor Executor { get; }

    public LLamaToken[] PrefixTokens { get; }

    public LLamaToken[] Tokenize(string text) => Weights.Tokenize(text, add_bos: true, special: false, Encoding.UTF8);

    /// <summary>(b) Tokenize the whole prompt, fork the root, prompt the tokens after the common prefix, infer, sample greedily.</summary>
    /// <returns>Seconds to the first token.</returns>
    public double TimeToFirstTokenForked(string prompt) => OnOwnThread(() => TimeToFirstTokenForkedCore(prompt));

    /// <summary>(c)/(d) Evaluate the whole prompt in a fresh sequence (what a stateless executor does), then sample one token.</summary>
    public double TimeToFirstTokenFresh(string prompt) => OnOwnThread(() => TimeToFirstTokenFreshCore(prompt));

    /// <summary>Generates up to <paramref name="maxTokens"/> greedy tokens after the cached prefix (ending early at end of generation, as the engine does).</summary>
    /// <returns>The token count, the total seconds and the seconds from the first token to the last.</returns>
    public (int Tokens, double Seconds, double DecodeSeconds) Generate(string prompt, int maxTokens) => OnOwnThread(() => GenerateCore(prompt, maxTokens));

    /// <summary>
    /// Runs a measurement on a dedicated thread, as the engine runs its loop: the benchmark's caller is a thread-pool
    /// thread, and blocking it on Infer (which itself hops to the pool) would measure pool starvation, not the loop.
    /// Thread creation happens before the stopwatch starts.
    /// </summary>
    private static T OnOwnThread<T>(Func<T> measure)
    {
        T result = default!;
        System.Runtime.ExceptionServices.ExceptionDispatchInfo? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = measure();
            }
            catch (Exception ex)
            {
                error = System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex);
            }
        }) { IsBackground = true, Name = "raw baseline loop" };
        thread.Start();
        thread.Join();
        error?.Throw();
        return result;
    }

    private double TimeToFirstTokenForkedCore(string prompt)
    {
        var started = Stopwatch.GetTimestamp();
        using var conversation = ForkEvaluated(prompt);
        using var sampler = Greedy();
        _ = conversation.Sample(sampler);
        return Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    private double TimeToFirstTokenFreshCore(string prompt)
    {
        var started = Stopwatch.GetTimestamp();
        var tokens = Tokenize(prompt);
        using var conversation = Executor.Create();
        using var sampler = Greedy();
        PromptChunked(conversation, tokens);
        _ = conversation.Sample(sampler);
        return Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    private (int Tokens, double Seconds, double DecodeSeconds) GenerateCore(string prompt, int maxTokens)
    {
        var started = Stopwatch.GetTimestamp();
        using var conversation = ForkEvaluated(prompt);
        using var sampler = Greedy();
        var count = 0;
        long firstToken = 0;
        while (true)
        {
            var token = conversation.Sample(sampler);
            count++;
            if (count == 1)
            {
                firstToken = Stopwatch.GetTimestamp();
            }

            if (token.IsEndOfGeneration(Weights.Vocab) || count >= maxTokens)
            {
                break;
            }

            conversation.Prompt(token);
            Infer();
        }

        var ended = Stopwatch.GetTimestamp();
        return (count, Stopwatch.GetElapsedTime(started, ended).TotalSeconds, Stopwatch.GetElapsedTime(firstToken, ended).TotalSeconds);
    }

    /// <summary>
    /// The batched baseline: every prompt forked from the root and queued together (prefill chunks of the batch size), then
    /// one decode per step for all live streams, each sampled greedily as soon as its tokens are decoded, until each ends
    /// (end of generation or <paramref name="maxTokens"/>).
    /// </summary>
    /// <returns>The tokens generated by all streams and the seconds from the first tokenization to the last token.</returns>
    public (int Tokens, double Seconds) GenerateConcurrent(IReadOnlyList<string> prompts, int maxTokens) =>
        OnOwnThread(() => GenerateConcurrentCore(prompts, maxTokens));

    /// <summary>Microseconds per <c>llama_sampler_sample</c> call of a sampler chain, sampled repeatedly from one set of logits (no decode in between).</summary>
    public double SampleMicroseconds(string prompt, Func<SafeLLamaSamplerChainHandle> createChain, int samples) => OnOwnThread(() =>
    {
        using var conversation = ForkEvaluated(prompt);
        using var chain = createChain();
        _ = conversation.Sample(chain);
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < samples; i++)
        {
            _ = conversation.Sample(chain);
        }

        return Stopwatch.GetElapsedTime(started).TotalMicroseconds / samples;
    });

    /// <summary>Microseconds per call of a managed sampling function given the stream's logits in place (as the engine reads them), repeatedly on one set of logits.</summary>
    public double ManagedSampleMicroseconds(string prompt, Func<LLamaToken[], LogitsAccessor, LLamaToken> sample, int samples) => OnOwnThread(() =>
    {
        var tokens = Tokenize(prompt);
        using var conversation = ForkEvaluated(prompt);
        var context = Executor.Context.NativeHandle;
        Span<float> Logits() => context.GetLogitsIth(conversation.GetSampleIndex());

        // Warm up well past tiered compilation's thresholds: the engine runs this code at tier 1 in steady state.
        for (var i = 0; i < 5000; i++)
        {
            _ = sample(tokens, Logits);
        }

        Thread.Sleep(200);
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < samples; i++)
        {
            _ = sample(tokens, Logits);
        }

        return Stopwatch.GetElapsedTime(started).TotalMicroseconds / samples;
    });

    /// <summary>Gets a stream's logits, in place.</summary>
    public delegate Span<float> LogitsAccessor();

    /// <summary>Sets the threads llama.cpp uses for one-token decodes and for larger batches (<c>llama_set_n_threads</c>).</summary>
    public void SetThreads(int threads, int batchThreads)
    {
        Executor.Context.GenerationThreads = threads;
        Executor.Context.BatchThreads = batchThreads;
    }

    private (int Tokens, double Seconds) GenerateConcurrentCore(IReadOnlyList<string> prompts, int maxTokens)
    {
        var started = Stopwatch.GetTimestamp();
        var live = new List<(Conversation Sequence, SafeLLamaSamplerChainHandle Sampler, int[] Count)>();
        var total = 0;
        try
        {
            foreach (var prompt in prompts)
            {
                var tokens = Tokenize(prompt);
                var reused = CommonPrefix(tokens);
                var sequence = Fork(reused);
                live.Add((sequence, Greedy(), [0]));
                sequence.Prompt(tokens.AsSpan(reused));
            }

            while (live.Count > 0)
            {
                // One queued batch per decode; every stream it completed is sampled before the next decode overwrites the logits.
                Infer();
                for (var i = live.Count - 1; i >= 0; i--)
                {
                    var (sequence, sampler, count) = live[i];
                    if (!sequence.RequiresSampling)
                    {
                        continue;
                    }

                    var token = sequence.Sample(sampler);
                    count[0]++;
                    total++;
                    if (token.IsEndOfGeneration(Weights.Vocab) || count[0] >= maxTokens)
                    {
                        sequence.Dispose();
                        sampler.Dispose();
                        live.RemoveAt(i);
                    }
                    else
                    {
                        sequence.Prompt(token);
                    }
                }
            }
        }
        finally
        {
            foreach (var (sequence, sampler, _) in live)
            {
                sequence.Dispose();
                sampler.Dispose();
            }
        }

        return (total, Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    public void Dispose()
    {
        _root.Dispose();
        Executor.Dispose();
        Weights.Dispose();
    }

    private static SafeLLamaSamplerChainHandle Greedy()
    {
        var chain = SafeLLamaSamplerChainHandle.Create(LLamaSamplerChainParams.Default());
        chain.AddGreedySampler();
        return chain;
    }

    private int CommonPrefix(LLamaToken[] tokens)
    {
        var limit = Math.Min(PrefixTokens.Length, tokens.Length - 1);
        var length = 0;
        while (length < limit && PrefixTokens[length] == tokens[length])
        {
            length++;
        }

        return length;
    }

    /// <summary>Tokenizes the whole prompt, forks the root at the longest common prefix and evaluates the rest.</summary>
    private Conversation ForkEvaluated(string prompt)
    {
        var tokens = Tokenize(prompt);
        var reused = CommonPrefix(tokens);
        var conversation = Fork(reused);
        PromptChunked(conversation, tokens.AsSpan(reused));
        return conversation;
    }

    private Conversation Fork(int reused)
    {
        var conversation = _root.Fork();
        if (reused < PrefixTokens.Length)
        {
            conversation.Rewind(PrefixTokens.Length - reused);
        }

        return conversation;
    }

    /// <summary>Prompts in chunks of the batch size, inferring after each (one queued batch is decoded per Infer).</summary>
    private void PromptChunked(Conversation conversation, ReadOnlySpan<LLamaToken> tokens)
    {
        for (var start = 0; start < tokens.Length; start += _batchSize)
        {
            conversation.Prompt(tokens.Slice(start, Math.Min(_batchSize, tokens.Length - start)));
            Infer();
        }
    }

    private void Infer()
    {
        var result = Executor.Infer().GetAwaiter().GetResult();
        if (result != DecodeResult.Ok)
        {
            throw new InvalidOperationException($"Raw decode failed: {result}.");
        }
    }
}
