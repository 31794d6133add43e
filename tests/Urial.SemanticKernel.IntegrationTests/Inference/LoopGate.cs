namespace Urial.SemanticKernel.IntegrationTests;

/// <summary>
/// Holds an engine's loop after the first step at which a condition holds, so that a test acts on a state that cannot move
/// on (a request mid-prefill, a reader blocked mid-stream, a full queue), then lets the loop go. Scenarios are made by
/// observing the engine, never by waiting some time, so they happen alike on a loaded machine and on a fast one.
/// </summary>
/// <remarks>The gate is the engine's only step observer while it exists; disposing it releases the loop and removes it.</remarks>
internal sealed class LoopGate : IDisposable
{
    private readonly UrialEngine _engine;
    private readonly Lock _lock = new();
    private Func<EngineStepReport, bool>? _condition;
    private TaskCompletionSource<EngineStepReport>? _reached;
    private TaskCompletionSource? _held;
    private int _steps;
    private EngineStepReport? _last;

    public LoopGate(UrialEngine engine)
    {
        _engine = engine;
        engine.StepObserver = ObserveAsync;
    }

    /// <summary>Gets how many steps the loop has finished since the gate was installed (constant while the loop is held).</summary>
    public int Steps => Volatile.Read(ref _steps);

    /// <summary>Lets the loop go (if it is held) until a step after which <paramref name="condition"/> holds, and holds it there.</summary>
    /// <returns>The report of the step the loop is held after.</returns>
    public Task<EngineStepReport> HoldWhenAsync(Func<EngineStepReport, bool> condition)
    {
        var reached = new TaskCompletionSource<EngineStepReport>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            _condition = condition;
            _reached = reached;
        }

        Release();
        return WaitAsync(reached.Task);
    }

    /// <summary>Lets a held loop go on; it is not held again.</summary>
    public void Release()
    {
        TaskCompletionSource? held;
        lock (_lock)
        {
            (held, _held) = (_held, null);
        }

        held?.TrySetResult();
    }

    /// <summary>
    /// Starts <paramref name="dispose"/> while the loop is held, lets the loop go and waits for the dispose: the loop must end
    /// every request without taking another step.
    /// </summary>
    public async Task DisposeWhileHeldAsync(Func<Task> dispose)
    {
        var stepsWhenDisposed = Steps;
        var disposing = dispose();
        Release();
        await disposing.FailIfHung("disposing");
        Assert.Equal(stepsWhenDisposed, Steps);
    }

    public void Dispose()
    {
        _engine.StepObserver = null;
        Release();
    }

    private async Task<EngineStepReport> WaitAsync(Task<EngineStepReport> reached)
    {
        try
        {
            return await reached.FailIfHung("the engine state the test waits for");
        }
        catch (TimeoutException hang)
        {
            var last = Volatile.Read(ref _last);
            throw new TimeoutException($"{hang.Message} The last of {Steps} steps left {last?.Running.Count} running and {last?.Waiting} waiting.", hang);
        }
    }

    private async ValueTask ObserveAsync(EngineStepReport report)
    {
        Interlocked.Increment(ref _steps);
        Volatile.Write(ref _last, report);
        TaskCompletionSource held;
        lock (_lock)
        {
            if (_condition is not { } condition || !condition(report))
            {
                return;
            }

            held = _held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _reached!.TrySetResult(report);
            (_condition, _reached) = (null, null);
        }

        await held.Task.ConfigureAwait(false);
    }
}
