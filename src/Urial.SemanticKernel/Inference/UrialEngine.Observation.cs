namespace Urial.SemanticKernel;

/// <content>A window onto the loop for tests: what each step left behind, at an exact point of the loop.</content>
public sealed partial class UrialEngine
{
    private Func<EngineStepReport, ValueTask>? _stepObserver;

    /// <summary>Gets or sets a callback that the loop awaits after every step, on the loop (tests only; <see langword="null"/> by default).</summary>
    /// <remarks>
    /// Tests act at exact points of a request's life instead of after a delay: a token canceled inside the callback is
    /// honoured by the very next step, and while the returned task is pending the loop does nothing, so the state the test
    /// acts on cannot move on. Unset, it costs one read per step.
    /// </remarks>
    internal Func<EngineStepReport, ValueTask>? StepObserver
    {
        get => Volatile.Read(ref _stepObserver);
        set => Volatile.Write(ref _stepObserver, value);
    }

    private ValueTask ObserveStepAsync()
    {
        if (StepObserver is not { } observer)
        {
            return ValueTask.CompletedTask;
        }

        var running = _running.Select(r => new RequestProgress(r.PromptTokenCount, r.Evaluated, r.OutputTokenCount, r.CancellationToken)).ToList();
        return observer(new EngineStepReport(running, _waiting.Count));
    }
}

/// <summary>What one step of the engine loop left behind: the requests still running, and how many wait for admission.</summary>
/// <param name="Running">The requests that remain admitted after the step.</param>
/// <param name="Waiting">The requests waiting for a sequence slot or for KV cells.</param>
internal sealed record EngineStepReport(IReadOnlyList<RequestProgress> Running, int Waiting);

/// <summary>One running request's progress after a step.</summary>
/// <param name="PromptTokens">The prompt's tokens.</param>
/// <param name="EvaluatedTokens">The tokens in the KV cache so far (prompt, then generated): below <paramref name="PromptTokens"/> while prefilling.</param>
/// <param name="OutputTokens">The tokens sampled so far.</param>
/// <param name="CancellationToken">The token the caller passed with the request: it tells the caller's requests apart.</param>
internal readonly record struct RequestProgress(int PromptTokens, int EvaluatedTokens, int OutputTokens, CancellationToken CancellationToken);
