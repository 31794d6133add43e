namespace Urial.SemanticKernel;

/// <summary>
/// Completes raw prompt text with a base model: the seam between the chat client and whatever runs the model.
/// </summary>
/// <remarks>
/// The local LLamaSharp engine (<see cref="UrialEngine"/>) is the first implementation; a server that exposes
/// an OpenAI-compatible <c>completions</c> endpoint (vLLM, llama-server) can be another. Implementations are
/// safe to call from any thread and accept concurrent requests.
/// </remarks>
public interface IUrialEngine : IAsyncDisposable
{
    /// <summary>Gets the identifier of the model this engine runs, reported as the response's model id.</summary>
    string ModelId { get; }

    /// <summary>Loads the model and evaluates the cached prompt prefix, if that has not happened yet.</summary>
    /// <param name="cancellationToken">The token to cancel waiting; the load itself continues in the background.</param>
    /// <returns>A task that completes when the engine is ready to serve requests.</returns>
    Task WarmUpAsync(CancellationToken cancellationToken = default);

    /// <summary>Streams the completion of <paramref name="request"/>'s prompt.</summary>
    /// <param name="request">The prompt and how to sample it.</param>
    /// <param name="cancellationToken">The token that cancels this request only.</param>
    /// <returns>Text deltas; the last update carries the finish reason and the token usage.</returns>
    /// <exception cref="ArgumentException">The request is invalid (see the message).</exception>
    /// <exception cref="UrialContextLengthExceededException">The prompt plus its output budget cannot fit the context.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    /// <exception cref="ObjectDisposedException">The engine was disposed.</exception>
    IAsyncEnumerable<GenerationUpdate> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken = default);
}
