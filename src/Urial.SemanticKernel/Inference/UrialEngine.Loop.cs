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

    private Exception? _rebuildFault;

    /// <summary>Sets a failure every executor rebuild raises until cleared: lets tests reach the state "the engine cannot recover".</summary>
    internal Exception? RebuildFault
    {
        set => Volatile.Write(ref _rebuildFault, value);
    }

    /// <summary>Gets the admission cap a preemption taught, or <see langword="null"/> (read by tests once the loop is idle).</summary>
    internal int? LearnedFreeCells => _learnedFreeCells;
    private int _runningCount;
    private EngineGauges _gauges;

    private async Task RunLoopAsync()
    {
        try
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            _native = NativeState.Load(_settings, _logger);
            _longestTokenBytes = _native.LongestTokenBytes;
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
            while (await WaitForWorkAsync().ConfigureAwait(false))
            {
                EmbedNext(_native!);
                try
                {
                    await StepAsync().ConfigureAwait(false);
                    await ObserveStepAsync().ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    // A bug or a native failure must never kill the host: fail what was in flight, rebuild, go on.
                    Interlocked.Increment(ref _faultCount);
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
    private async ValueTask<bool> WaitForWorkAsync()
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

            if (_running.Count > 0 || _waiting.Count > 0 || HasEmbeddingWork)
            {
                return true;
            }

            try
            {
                if (!await WaitForIntakeAsync(_shutdown.Token).ConfigureAwait(false))
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

    private async Task StepAsync()
    {
        var native = _native!;
        DropCanceled();
        if (!EnsureExecutor(native))
        {
            return;
        }

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

        // LLamaSharp runs the decode on a pool thread; continuing there (no hop back to a dedicated thread) saves a
        // wake-up per step. The loop is still one sequential flow: no native object is ever used concurrently.
        var result = await native.Executor.Infer().ConfigureAwait(false);
        if (result != DecodeResult.Ok)
        {
            // NoKvSlot poisons the executor (the failed batch stays queued): rebuild it and let every
            // running request re-evaluate what it had. Admission control makes this a rare path.
            Interlocked.Increment(ref _faultCount);
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
        var token = TokenSampler.Next(request, native.Executor.Context.NativeHandle, native.Utf8);
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

        request.Utf8State = native.Utf8.Next(request.Utf8State, token);
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

        // Before a trigger, free text stops while the constrained part it may start still has the room it reserved.
        var reserved = request.Constrained ? 0 : request.Grammar?.ReservedOutputTokens ?? 0;
        if (request.OutputTokenCount + reserved >= request.MaxOutputTokens || request.Tokens.Count + 1 >= _settings.ContextSize)
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
            request.Output.Writer.TryWrite(new GenerationUpdate { Text = text });
        }
    }

    private void Complete(EngineRequest request, GenerationFinishReason reason)
    {
        var tail = request.Stops.Finish();
        if (request.Stops.Stopped)
        {
            reason = GenerationFinishReason.Stop; // a stop sequence held back until the end ended the answer after all
        }

        var usage = new GenerationUsage { PromptTokens = request.PromptTokenCount, CachedPromptTokens = request.CachedTokenCount, OutputTokens = request.OutputTokenCount };
        request.Output.Writer.TryWrite(new GenerationUpdate { Text = tail, FinishReason = reason, Usage = usage });
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
        if (_running.Count == 0)
        {
            // What a preemption taught was true of that mix of sequences; with none running, admission starts from the
            // configured context again (and learns anew if the cache overflows again).
            _learnedFreeCells = null;
        }
    }

    private void RebuildExecutor()
    {
        foreach (var request in _running)
        {
            request.ReleaseNative();
        }

        try
        {
            if (Volatile.Read(ref _rebuildFault) is { } fault)
            {
                throw fault;
            }

            _native!.RebuildExecutor();
            Volatile.Write(ref _unrecoverable, null);
            foreach (var request in _running)
            {
                Attach(request, _native);
            }
        }
        catch (Exception ex)
        {
            // The health check reports Unhealthy from now on; the next step tries again (EnsureExecutor).
            Volatile.Write(ref _unrecoverable, ex);
            Log.StepFailed(_logger, ex);
            FailRunning(new InvalidOperationException("The Urial engine could not recover its executor; see the inner exception.", ex));
        }
    }

    /// <summary>After a failed rebuild, tries again before serving anyone; while it keeps failing, waiting requests fail with the reason.</summary>
    /// <returns><see langword="true"/> when the executor is usable.</returns>
    private bool EnsureExecutor(NativeState native)
    {
        if (Volatile.Read(ref _unrecoverable) is null)
        {
            return true;
        }

        RebuildExecutor();
        if (Volatile.Read(ref _unrecoverable) is not { } error)
        {
            return true;
        }

        foreach (var request in _waiting)
        {
            Dequeued();
            request.Output.Writer.TryComplete(new InvalidOperationException("The Urial engine cannot serve requests: it failed to rebuild its executor after a fault; see the inner exception.", error));
        }

        _waiting.Clear();
        PublishGauges(native);
        return false;
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
        StopEmbeddings(disposed);
        _native?.Dispose();
        _native = null;
    }
}
