namespace Urial.SemanticKernel;

/// <summary>The exception thrown when the engine's waiting queue is full: the request was refused, not queued.</summary>
public sealed class UrialCapacityExceededException : InvalidOperationException
{
    /// <summary>Initializes a new instance of the <see cref="UrialCapacityExceededException"/> class.</summary>
    public UrialCapacityExceededException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="UrialCapacityExceededException"/> class with a message.</summary>
    /// <param name="message">How full the queue is, and what to change.</param>
    public UrialCapacityExceededException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="UrialCapacityExceededException"/> class with a message and a cause.</summary>
    /// <param name="message">How full the queue is, and what to change.</param>
    /// <param name="innerException">The cause.</param>
    public UrialCapacityExceededException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
