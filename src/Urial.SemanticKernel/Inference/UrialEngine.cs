using System.Runtime.CompilerServices;
using System.Text;
using System.Threading.Channels;
using LLama;
using LLama.Native;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Urial.SemanticKernel;

/// <summary>
/// The embedded engine: runs a GGUF base model in-process through LLamaSharp, evaluates the cached prefix once
/// and decodes concurrent requests together.
/// </summary>
/// <remarks>
/// One engine loop (a single sequential async flow) owns the weights, the executor, every sequence and every
/// sampler; callers only post requests and read their streams, so no native object is ever used concurrently. Requests and
/// options are validated before native code sees them: llama.cpp aborts the whole process on several misuses.
/// This type is thread-safe.
/// </remarks>
public sealed partial class UrialEngine : IUrialEngine
{
    private readonly EngineSettings _settings;
    private readonly ILogger _logger;
    private readonly Channel<EngineRequest> _intake = Channel.CreateUnbounded<EngineRequest>(new UnboundedChannelOptions { SingleReader = true });
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _shutdown = new();
    private readonly Lock _startLock = new();
    private Task? _loop;
    private readonly EngineMetrics _metrics;
    private LLamaWeights? _weights;
    private int _longestTokenBytes = 1;
    private int _disposed;
    private readonly TaskCompletionSource _freed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _faultCount;
    private Exception? _unrecoverable;

    /// <summary>Initializes a new instance of the <see cref="UrialEngine"/> class. Nothing is loaded until <see cref="WarmUpAsync"/> or the first request.</summary>
    /// <param name="options">The engine settings; copied, then never read again.</param>
    /// <param name="loggerFactory">The logger factory, or <see langword="null"/> for no logging.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">An option is invalid; the message lists each problem.</exception>
    public UrialEngine(UrialEngineOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid Urial engine options: " + string.Join(" ", errors), nameof(options));
        }

        _settings = new EngineSettings(options);
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<UrialEngine>();
        NativeRuntime.Configure(loggerFactory);
        _metrics = new EngineMetrics(_settings.ModelId, () => _gauges);
    }

    /// <inheritdoc/>
    public string ModelId => _settings.ModelId;

    /// <summary>Gets the number of tokens of the cached prefix, once warmed up.</summary>
    public int CachedPrefixTokenCount { get; private set; }

    /// <summary>Gets a value indicating whether the cached prefix was restored from <see cref="UrialEngineOptions.PrefixStateDirectory"/> rather than evaluated.</summary>
    public bool PrefixRestoredFromFile { get; private set; }

    /// <inheritdoc/>
    /// <remarks>The local engine knows it from its options, before it starts.</remarks>
    public int ContextSize => _settings.ContextSize;

    /// <summary>Gets how many times the loop recovered from a failed step or decode (written by the loop thread only; read by the health check).</summary>
    internal int FaultCount => Volatile.Read(ref _faultCount);

    /// <inheritdoc/>
    public Task WarmUpAsync(CancellationToken cancellationToken = default)
    {
        EnsureStarted();
        return _ready.Task.WaitAsync(cancellationToken);
    }

    /// <inheritdoc/>
    public async ValueTask<int> CountTokensAsync(string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        cancellationToken.ThrowIfCancellationRequested();
        await WarmUpAsync(cancellationToken).ConfigureAwait(false);
        return Tokenize(text).Length;
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<GenerationUpdate> GenerateAsync(GenerationRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        request.Validate();
        cancellationToken.ThrowIfCancellationRequested();
        await WarmUpAsync(cancellationToken).ConfigureAwait(false);

        if (request.Sampling.LogitBias?.Keys.FirstOrDefault(token => token >= _weights!.Vocab.Count, -1) is >= 0 and var unknown)
        {
            throw new ArgumentException($"Sampling parameter LogitBias names token {unknown}, outside the model's vocabulary of {_weights!.Vocab.Count} tokens.", nameof(request));
        }

        if (request.Grammar is not null)
        {
            // On the caller's thread, never on the loop: the managed check above bounded the grammar, and llama.cpp's own
            // parser gets the last word before any sampler uses it (it kills the process on a grammar it cannot parse).
            ValidateGrammarNatively(request);
        }

        var tokens = Tokenize(request.Prompt);
        var maxOutput = OutputBudget(tokens.Length, request.MaxOutputTokens);
        var engineRequest = new EngineRequest(tokens, maxOutput, request, cancellationToken);
        // Free sequence slots admit at once; beyond them, at most MaxQueuedRequests wait (a racy read: the bound is approximate by a step).
        var freeSlots = Math.Max(0, _settings.MaxConcurrentRequests - Volatile.Read(ref _runningCount));
        if (Interlocked.Increment(ref _queued) > _settings.MaxQueuedRequests + freeSlots)
        {
            Interlocked.Decrement(ref _queued);
            throw new UrialCapacityExceededException(
                $"The Urial engine is full: {_settings.MaxConcurrentRequests} requests running and {_settings.MaxQueuedRequests} waiting. " +
                "Retry later, or raise MaxQueuedRequests or MaxConcurrentRequests.");
        }

        if (!_intake.Writer.TryWrite(engineRequest))
        {
            Interlocked.Decrement(ref _queued);
            ObjectDisposedException.ThrowIf(true, this);
        }

        try
        {
            await foreach (var update in engineRequest.Output.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return update;
            }
        }
        finally
        {
            engineRequest.Abandon();
        }
    }

    /// <inheritdoc/>
    public UrialEngineHealth GetHealth()
    {
        var faults = FaultCount;
        if (_disposed != 0)
        {
            return new UrialEngineHealth { Status = UrialEngineStatus.Unhealthy, Description = "The engine was disposed.", FaultCount = faults };
        }

        if (_ready.Task.IsFaulted)
        {
            var error = _ready.Task.Exception!.InnerException;
            return new UrialEngineHealth { Status = UrialEngineStatus.Unhealthy, Description = $"The model failed to load: {error?.Message}", FaultCount = faults, Error = error };
        }

        if (!_ready.Task.IsCompletedSuccessfully)
        {
            return new UrialEngineHealth { Status = UrialEngineStatus.Starting, Description = "The model is loading and the URIAL prefix is being evaluated.", FaultCount = faults };
        }

        if (_stopped.Task.IsCompleted)
        {
            return new UrialEngineHealth { Status = UrialEngineStatus.Unhealthy, Description = "The engine loop has stopped.", FaultCount = faults };
        }

        if (Volatile.Read(ref _unrecoverable) is { } broken)
        {
            return new UrialEngineHealth
            {
                Status = UrialEngineStatus.Unhealthy,
                Description = $"The engine could not rebuild its executor after a fault and fails every request until it can: {broken.Message}",
                FaultCount = faults,
                Error = broken,
            };
        }

        return new UrialEngineHealth
        {
            Status = UrialEngineStatus.Healthy,
            Description = faults == 0 ? "The engine is ready." : $"The engine is ready; it recovered from {faults} fault(s) since it started (see the error log).",
            FaultCount = faults,
        };
    }

    /// <summary>Stops the loop: requests in flight end with <see cref="ObjectDisposedException"/>; native memory is freed.</summary>
    /// <returns>A task that completes when the loop has stopped and freed everything.</returns>
    public ValueTask DisposeAsync() => new(StopAsync());

    /// <summary>Stops the loop and waits for it: requests in flight end with <see cref="ObjectDisposedException"/>; native memory is freed.</summary>
    /// <remarks>Dependency-injection containers dispose singletons synchronously unless they are disposed asynchronously; both work.</remarks>
    public void Dispose() =>
        // The loop runs on the thread pool and never needs this thread, so waiting for it here cannot deadlock.
        StopAsync().GetAwaiter().GetResult();

    /// <summary>Starts the shutdown once; every caller, sync or async, waits for the same completion.</summary>
    private Task StopAsync()
    {
        bool first, started;
        lock (_startLock)
        {
            first = _disposed == 0;
            Volatile.Write(ref _disposed, 1);
            started = _loop is not null;
        }

        if (first)
        {
            // Outside the lock: cancellation may run the loop's continuation (its shutdown) on this thread.
            _shutdown.Cancel();
            _intake.Writer.TryComplete();
            _ = FreeWhenStoppedAsync(started);
        }

        return _freed.Task;
    }

    private async Task FreeWhenStoppedAsync(bool started)
    {
        try
        {
            if (started)
            {
                await _stopped.Task.ConfigureAwait(false);
            }

            if (_ready.TrySetException(new ObjectDisposedException(nameof(UrialEngine))))
            {
                _ = _ready.Task.Exception; // observed: an engine disposed before it was used has nobody waiting on it
            }

            _shutdown.Dispose();
            _metrics.Dispose();
        }
        finally
        {
            _freed.TrySetResult();
        }
    }

    private void EnsureStarted()
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        lock (_startLock)
        {
            if (_loop is not null)
            {
                return;
            }

            _loop = Task.Run(RunLoopAsync);
        }
    }

    /// <summary>Tokenizes a whole prompt as plain text: control-token text in user content can never become a control token.</summary>
    private LLamaToken[] Tokenize(string text)
    {
        // Tokenizing through the weights is thread-safe (measured), so callers do it on their own threads. The loop
        // may free the weights at any moment (dispose): a reference on the native handle keeps the model alive until
        // this call is done, and a handle already released means the engine was disposed.
        var weights = _weights ?? throw new InvalidOperationException("The engine is not loaded.");
        TextBound.EnsureCanFit(text, _settings.ContextSize, _longestTokenBytes, "The text");
        var handle = weights.NativeHandle;
        var referenced = false;
        try
        {
            handle.DangerousAddRef(ref referenced);
            return weights.Tokenize(text, add_bos: true, special: false, Encoding.UTF8);
        }
        catch (ObjectDisposedException)
        {
            throw new ObjectDisposedException(nameof(UrialEngine), "The Urial engine was disposed.");
        }
        finally
        {
            if (referenced)
            {
                handle.DangerousRelease();
            }
        }
    }

    /// <summary>Validates the prompt's size against the context before it is queued, and caps the output budget.</summary>
    private int OutputBudget(int promptTokens, int? requested)
    {
        var room = _settings.ContextSize - promptTokens;
        if (room < 1)
        {
            throw new UrialContextLengthExceededException(
                $"The prompt has {promptTokens} tokens but the context holds {_settings.ContextSize} (the URIAL prefix takes {CachedPrefixTokenCount}). " +
                "Shorten the conversation or raise ContextSize.");
        }

        if (requested is { } wanted && wanted > room)
        {
            throw new UrialContextLengthExceededException(
                $"The prompt has {promptTokens} tokens and asks for up to {wanted} output tokens, but the context holds {_settings.ContextSize}. " +
                $"Lower MaxOutputTokens to at most {room}, shorten the conversation, or raise ContextSize.");
        }

        return Math.Min(requested ?? _settings.DefaultMaxOutputTokens, room);
    }
}
