namespace Urial.SemanticKernel;

/// <summary>
/// Completes raw prompt text with a base model: the seam between the chat client and whatever runs the model.
/// </summary>
/// <remarks>
/// The local LLamaSharp engine (<c>UrialEngine</c>, in the <c>Urial.SemanticKernel</c> package) is one implementation; a server that exposes an
/// OpenAI-compatible <c>completions</c> endpoint (vLLM, llama-server) is another (<see cref="UrialRemoteEngine"/>, in this package). Nothing outside an engine needs to
/// know which one it talks to. Implementations are safe to call from any thread, accept concurrent requests, and
/// support both synchronous and asynchronous disposal (dependency-injection containers use either).
/// </remarks>
public interface IUrialEngine : IAsyncDisposable, IDisposable
{
    /// <summary>Gets the identifier of the model this engine runs, reported as the response's model id.</summary>
    string ModelId { get; }

    /// <summary>Gets the most tokens one request's prompt and output may take together.</summary>
    /// <exception cref="InvalidOperationException">The engine learns its context size when it starts, and has not started yet: await <see cref="WarmUpAsync"/> first.</exception>
    int ContextSize { get; }

    /// <summary>Loads the model (or connects to it) and evaluates the cached prompt prefix, if that has not happened yet.</summary>
    /// <param name="cancellationToken">The token to cancel waiting; the start itself continues in the background.</param>
    /// <returns>A task that completes when the engine is ready to serve requests.</returns>
    Task WarmUpAsync(CancellationToken cancellationToken = default);

    /// <summary>Counts the tokens of <paramref name="text"/> as the engine tokenizes a prompt.</summary>
    /// <param name="text">The text.</param>
    /// <param name="cancellationToken">The token to cancel the count.</param>
    /// <returns>The number of tokens, including any beginning-of-sequence token the engine adds to a prompt.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    /// <exception cref="UrialContextLengthExceededException"><paramref name="text"/> is far longer than the context could hold, so it was not tokenized.</exception>
    ValueTask<int> CountTokensAsync(string text, CancellationToken cancellationToken = default);

    /// <summary>Reports whether the engine can serve requests now.</summary>
    /// <returns>The current health; it changes back to <see cref="UrialEngineStatus.Healthy"/> when the engine recovers.</returns>
    UrialEngineHealth GetHealth();

    /// <summary>Streams the completion of <paramref name="request"/>'s prompt.</summary>
    /// <param name="request">The prompt and how to sample it.</param>
    /// <param name="cancellationToken">The token that cancels this request only.</param>
    /// <returns>Text deltas; the last update carries the finish reason and the token usage.</returns>
    /// <exception cref="ArgumentException">The request is invalid (see the message).</exception>
    /// <exception cref="UrialContextLengthExceededException">The prompt plus its output budget cannot fit the context.</exception>
    /// <exception cref="UrialCapacityExceededException">The engine's queue is full.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    /// <exception cref="ObjectDisposedException">The engine was disposed.</exception>
    IAsyncEnumerable<GenerationUpdate> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken = default);
}
