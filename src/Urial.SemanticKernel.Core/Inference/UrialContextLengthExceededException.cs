namespace Urial.SemanticKernel;

/// <summary>The exception thrown when a prompt and its output budget cannot fit the model's context.</summary>
public sealed class UrialContextLengthExceededException : InvalidOperationException
{
    /// <summary>Initializes a new instance of the <see cref="UrialContextLengthExceededException"/> class.</summary>
    public UrialContextLengthExceededException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="UrialContextLengthExceededException"/> class with a message.</summary>
    /// <param name="message">What does not fit, and what to change.</param>
    public UrialContextLengthExceededException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="UrialContextLengthExceededException"/> class with a message and a cause.</summary>
    /// <param name="message">What does not fit, and what to change.</param>
    /// <param name="innerException">The cause.</param>
    public UrialContextLengthExceededException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
