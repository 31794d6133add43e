using System.Net;

namespace Urial.SemanticKernel;

/// <summary>The exception thrown when a remote server fails a request: it names the endpoint, the HTTP status and the server's own message.</summary>
public sealed class UrialRemoteEngineException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="UrialRemoteEngineException"/> class.</summary>
    public UrialRemoteEngineException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="UrialRemoteEngineException"/> class with a message.</summary>
    /// <param name="message">What failed.</param>
    public UrialRemoteEngineException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="UrialRemoteEngineException"/> class with a message and a cause.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The cause.</param>
    public UrialRemoteEngineException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="UrialRemoteEngineException"/> class for a failed exchange with one server.</summary>
    /// <param name="endpoint">The server's address.</param>
    /// <param name="statusCode">The HTTP status, or <see langword="null"/> when no response arrived.</param>
    /// <param name="serverMessage">The server's error message, or <see langword="null"/>.</param>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The cause, or <see langword="null"/>.</param>
    public UrialRemoteEngineException(Uri endpoint, HttpStatusCode? statusCode, string? serverMessage, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Endpoint = endpoint;
        StatusCode = statusCode;
        ServerMessage = serverMessage;
    }

    /// <summary>Gets the address of the server that failed, when one server is to blame.</summary>
    public Uri? Endpoint { get; }

    /// <summary>Gets the HTTP status the server answered with, or <see langword="null"/> when no response arrived.</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>Gets the server's own error message, or <see langword="null"/>.</summary>
    public string? ServerMessage { get; }
}
