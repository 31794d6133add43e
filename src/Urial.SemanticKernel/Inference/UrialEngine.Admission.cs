using LLama;

namespace Urial.SemanticKernel;

/// <content>Admission control: who runs, who waits, who is refused, and preemption when the KV cache fills up anyway.</content>
public sealed partial class UrialEngine
{
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

            // Cached sequences give their cells back first; a request that can never fit does not cost them.
            while (_reservedCells + native.Cache.Cells + cells > freeCells && native.Cache.EvictOldest())
            {
            }

            if (_reservedCells + native.Cache.Cells + cells > freeCells)
            {
                break; // first come, first served: later requests wait behind this one
            }

            _waiting.RemoveAt(0);
            Dequeued();
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
        request.Conversation = native.StartSequence(request.Tokens, request.RootSharedCount, out var reused);
        request.Evaluated = reused;
        if (request.Sampler is null)
        {
            request.CachedTokenCount = reused;
            _metrics.Admitted(request.PromptTokenCount, reused);
            request.Constrained = request.Grammar is { Trigger: null };
            request.Sampler = SamplerChain.Create(request.Sampling, native.Weights.Vocab, request.Constrained ? request.Grammar!.Gbnf : null);
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
}
