using LLama;
using LLama.Batched;
using LLama.Native;
using Microsoft.Extensions.Logging;

namespace Urial.SemanticKernel;

/// <content>The engine loop: admission, one decode step over every running request, sampling, completion.</content>
public sealed partial class UrialEngine
{
    private readonly List<EngineRequest> _waiting = [];
    private readonly List<EngineRequest> _running = [];
    private NativeState? _native;
    private int _reservedCells;
    private int _queued;
    private int? _learnedFreeCells;
    private int _runningCount;
    private EngineGauges _gauges;

    private void RunLoop()
    {
        try
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            _native = NativeState.Load(_settings, _logger);
            _weights = _native.Weights;
            CachedPrefixTokenCount = _native.PrefixTokens.Length;
            PrefixRestoredFromFile = _native.PrefixRestoredFromFile;
            Log.EngineReady(_logger, ModelId, CachedPrefixTokenCount, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            _ready.TrySetResult();
        }
        catch (Exception ex)
        {
            _ready.TrySetException(ex);
            _stopped.TrySetResult();
            return;
        }

        try
        {
            while (WaitForWork())
            {
                try
                {
                    Step();
                }
                catch (Exception ex)
                {
                    // A bug or a native failure must never kill the host: fail what was in flight, rebuild, go on.
                    FaultCount++;
                    _metrics.Fault();
                    Log.StepFailed(_logger, ex);
                    FailRunning(new InvalidOperationException("The Urial engine failed while decoding this request; the engine has recovered. See the inner exception.", ex));
                    RebuildExecutor();
                }
            }
        }
        finally
        {
            Shutdown();
            _stopped.TrySetResult();
        }
    }

    /// <summary>Moves new requests into the waiting list; blocks only while there is nothing to do.</summary>
    /// <returns><see langword="false"/> when the engine is shutting down.</returns>
    private bool WaitForWork()
    {
        while (true)
        {
            while (_intake.Reader.TryRead(out var request))
            {
                _waiting.Add(request);
            }

            if (_shutdown.IsCancellationRequested)
            {
                return false;
            }

            if (_running.Count > 0 || _waiting.Count > 0)
            {
                return true;
            }

            try
            {
                if (!_intake.Reader.WaitToReadAsync(_shutdown.Token).AsTask().GetAwaiter().GetResult())
                {
                    return false;
                }
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }
    }

    private void Step()
    {
        var native = _native!;
        DropCanceled();
        Admit(native);
        if (_running.Count == 0)
        {
            PublishGauges(native);
            return;
        }

        // Decode-first: every running stream gets its next token into the batch, then prompt chunks fill
        // the rest of the token budget, so a long prefill never stalls the streams already flowing.
        var budget = _settings.BatchSize;
        foreach (var request in _running)
        {
            if (request.Pending == 1)
            {
                budget -= Queue(request, 1);
            }
        }

        foreach (var request in _running)
        {
            if (request.Pending > 1 && budget > 0)
            {
                budget -= Queue(request, Math.Min(request.Pending, budget));
            }
        }

        var result = native.Executor.Infer().GetAwaiter().GetResult();
        if (result != DecodeResult.Ok)
        {
            // NoKvSlot poisons the executor (the failed batch stays queued): rebuild it and let every
            // running request re-evaluate what it had. Admission control makes this a rare path.
            FaultCount++;
            _metrics.Fault();
            Log.DecodeFailed(_logger, result, _running.Count);
            if (result == DecodeResult.NoKvSlot)
            {
                PreemptNewest();
            }

            RebuildExecutor();
            return;
        }

        for (var i = _running.Count - 1; i >= 0; i--)
        {
            var request = _running[i];
            if (request.Pending == 0 && request.Conversation!.RequiresSampling)
            {
                SampleNext(request, native);
            }
        }

        PublishGauges(native);
    }

    private void PublishGauges(NativeState native)
    {
        var cells = native.PrefixTokens.Length + native.Cache.Cells;
        foreach (var request in _running)
        {
            cells += request.Evaluated - request.RootSharedCount;
        }

        Volatile.Write(ref _runningCount, _running.Count);
        _gauges = new EngineGauges(Volatile.Read(ref _queued), _running.Count, cells, native.Cache.Count);
    }

    private static int Queue(EngineRequest request, int count)
    {
        var tokens = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(request.Tokens).Slice(request.Evaluated, count);
        request.Conversation!.Prompt(tokens);
        request.Evaluated += count;
        return count;
    }

    private void SampleNext(EngineRequest request, NativeState native)
    {
        var token = request.Conversation!.Sample(request.Sampler!);
        request.OutputTokenCount++;
        if (request.FirstTokenAt == 0)
        {
            request.FirstTokenAt = System.Diagnostics.Stopwatch.GetTimestamp();
            _metrics.FirstToken(System.Diagnostics.Stopwatch.GetElapsedTime(request.SubmittedAt, request.FirstTokenAt));
        }

        if (token.IsEndOfGeneration(native.Weights.Vocab))
        {
            Complete(request, GenerationFinishReason.Stop);
            return;
        }

        request.Decoder!.Add(token);
        var piece = request.Decoder.Read();
        request.DecodedText.Append(piece);
        request.TokenTextEnds.Add(request.DecodedText.Length);
        if (request.Constrained)
        {
            var skipped = Math.Min(request.SkipChars, piece.Length);
            request.SkipChars -= skipped;
            Release(request, piece[skipped..]);
        }
        else
        {
            Release(request, request.Stops.Append(piece));
            if (request.Stops.Stopped)
            {
                Complete(request, GenerationFinishReason.Stop);
                return;
            }

            if (request.Stops.Triggered)
            {
                ConstrainFromTrigger(request, native);
                return;
            }
        }

        if (request.OutputTokenCount >= request.MaxOutputTokens || request.Tokens.Count + 1 >= _settings.ContextSize)
        {
            Complete(request, GenerationFinishReason.Length);
        }
        else
        {
            request.Tokens.Add(token);
        }
    }

    private static void Release(EngineRequest request, string text)
    {
        if (text.Length > 0)
        {
            request.Output.Writer.TryWrite(new GenerationUpdate(text));
        }
    }

    private void Complete(EngineRequest request, GenerationFinishReason reason)
    {
        var tail = request.Stops.Finish();
        var usage = new GenerationUsage(request.PromptTokenCount, request.CachedTokenCount, request.OutputTokenCount);
        request.Output.Writer.TryWrite(new GenerationUpdate(tail, reason, usage));
        request.Output.Writer.TryComplete();
        if (request.FirstTokenAt != 0)
        {
            _metrics.Decoded(request.OutputTokenCount, System.Diagnostics.Stopwatch.GetElapsedTime(request.FirstTokenAt));
        }

        // The finished sequence stays in the KV as a cache entry: a follow-up turn forks it instead of re-evaluating.
        var native = _native!;
        if (request.Conversation is { } sequence && !sequence.RequiresInference)
        {
            var tokens = request.Tokens.GetRange(0, request.Evaluated).ToArray();
            native.Cache.Add(request.DetachSequence()!, tokens, request.Evaluated - request.RootSharedCount);
        }

        Remove(request);
    }

    private void Remove(EngineRequest request)
    {
        request.DisposeNative();
        _reservedCells -= request.ReservedCells;
        _running.Remove(request);
    }

    private void DropCanceled()
    {
        foreach (var request in _running.Where(r => r.IsCanceled).ToList())
        {
            request.Output.Writer.TryComplete(new OperationCanceledException(request.CancellationToken));
            Remove(request);
        }

        _waiting.RemoveAll(request =>
        {
            if (!request.IsCanceled)
            {
                return false;
            }

            Dequeued();
            request.Output.Writer.TryComplete(new OperationCanceledException(request.CancellationToken));
            return true;
        });
    }

    /// <summary>
    /// Admits waiting requests in arrival order while a sequence slot is free and their worst-case KV cells fit;
    /// cached sequences give their cells back first. A request never fails because another one filled the cache.
    /// </summary>
    /// <remarks>
    /// Cells are counted from the pinned prefix, even when a cached sequence serves more of the prompt: cells
    /// shared with a cached sequence stay held by this request after that sequence is evicted.
    /// </remarks>
    private void Admit(NativeState native)
    {
        var contextCells = (_settings.CellBudgetOverride ?? _settings.ContextSize) - native.PrefixTokens.Length;
        while (_waiting.Count > 0 && _running.Count < _settings.MaxConcurrentRequests)
        {
            // A request alone is always tried against the configured context; beside others, against what was learned to fit.
            var freeCells = _running.Count == 0 ? contextCells : Math.Min(contextCells, _learnedFreeCells ?? contextCells);
            var request = _waiting[0];
            var reused = native.ReusablePrefixLength(request.Tokens);
            var cells = request.Tokens.Count - reused + request.MaxOutputTokens - request.OutputTokenCount;
            while (_reservedCells + native.Cache.Cells + cells > freeCells && native.Cache.EvictOldest())
            {
            }

            if (cells > contextCells)
            {
                _waiting.RemoveAt(0);
                Dequeued();
                request.Output.Writer.TryComplete(new UrialContextLengthExceededException(
                    $"The prompt ({request.Tokens.Count} tokens) and its output budget ({request.MaxOutputTokens} tokens) need {cells} KV cells beyond the " +
                    $"{native.PrefixTokens.Length}-token cached prefix, but the context ({_settings.ContextSize}) leaves {contextCells}. " +
                    "Lower the output budget, shorten the conversation, or raise ContextSize."));
                continue;
            }

            if (_reservedCells + native.Cache.Cells + cells > freeCells)
            {
                break; // first come, first served: later requests wait behind this one
            }

            _waiting.RemoveAt(0);
            Dequeued();
            if (request.Grammar is { } grammar && !IsValidGrammar(native, grammar.Gbnf, "root", request))
            {
                continue;
            }

            request.RootSharedCount = reused;
            request.ReservedCells = cells;
            _reservedCells += cells;
            Attach(request, native);
            _running.Add(request);
        }
    }

    /// <summary>Gives a request a sequence that already holds the longest reusable prefix of its tokens, plus its sampler and decoder.</summary>
    private void Attach(EngineRequest request, NativeState native)
    {
        request.Conversation = native.StartSequence(request.Tokens, out var reused);
        request.Evaluated = reused;
        if (request.Sampler is null)
        {
            request.CachedTokenCount = reused;
            _metrics.Admitted(request.PromptTokenCount, reused);
            request.Constrained = request.Grammar is { Trigger: null };
            request.Sampler = SamplerChain.Create(
                request.Sampling, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(request.Tokens), native.Weights.Vocab, request.Constrained ? request.Grammar!.Gbnf : null);
            request.Decoder = new StreamingTokenDecoder(System.Text.Encoding.UTF8, native.Weights);
        }
    }

    private void Dequeued() => Interlocked.Decrement(ref _queued);

    /// <summary>
    /// The KV cache filled up although admission reserved cells (fragmentation, or a budget set too high): the newest
    /// running request goes back to the head of the queue, keeping its tokens, sampler and output so far, and is
    /// re-evaluated when there is room again. A request that alone does not fit fails with a clear exception.
    /// </summary>
    private void PreemptNewest()
    {
        var newest = _running[^1];
        if (_running.Count == 1)
        {
            newest.Output.Writer.TryComplete(new UrialContextLengthExceededException(
                $"The KV cache ({_settings.ContextSize} cells) could not hold this request ({newest.Tokens.Count} tokens so far) beside the cached prefix. Raise ContextSize or lower the output budget."));
            Remove(newest);
            return;
        }

        _running.RemoveAt(_running.Count - 1);
        _reservedCells -= newest.ReservedCells;

        // The cache held less than admission believed: from now on admit only what the survivors hold, so the
        // preempted request waits for them instead of failing them all again.
        _learnedFreeCells = _reservedCells;
        newest.ReservedCells = 0;
        newest.ReleaseNative();
        Interlocked.Increment(ref _queued);
        _waiting.Insert(0, newest);
    }

    private void RebuildExecutor()
    {
        foreach (var request in _running)
        {
            request.ReleaseNative();
        }

        try
        {
            _native!.RebuildExecutor();
            foreach (var request in _running)
            {
                Attach(request, _native);
            }
        }
        catch (Exception ex)
        {
            Log.StepFailed(_logger, ex);
            FailRunning(new InvalidOperationException("The Urial engine could not recover its executor; see the inner exception.", ex));
        }
    }

    private void FailRunning(Exception error)
    {
        foreach (var request in _running.ToList())
        {
            request.Output.Writer.TryComplete(error);
            Remove(request);
        }
    }

    private void Shutdown()
    {
        var disposed = new ObjectDisposedException(nameof(UrialEngine), "The Urial engine was disposed while this request was in flight.");
        FailRunning(disposed);
        while (_intake.Reader.TryRead(out var request))
        {
            _waiting.Add(request);
        }

        foreach (var request in _waiting)
        {
            Dequeued();
            request.Output.Writer.TryComplete(disposed);
        }

        _waiting.Clear();
        _native?.Dispose();
        _native = null;
    }
}
