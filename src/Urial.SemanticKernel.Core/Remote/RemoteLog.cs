using Microsoft.Extensions.Logging;

namespace Urial.SemanticKernel;

/// <summary>The remote engine's log messages. The API key never appears in any of them.</summary>
internal static partial class RemoteLog
{
    [LoggerMessage(201, LogLevel.Information, "Urial remote engine ready: {Endpoint} speaks {Dialect}, model {Model}, context {ContextSize} tokens.")]
    public static partial void ReplicaReady(ILogger logger, Uri endpoint, UrialRemoteDialect dialect, string? model, int? contextSize);

    [LoggerMessage(202, LogLevel.Warning, "Urial remote engine: {Endpoint} is down; requests go to the other replicas.")]
    public static partial void ReplicaDown(ILogger logger, Uri endpoint, Exception exception);

    [LoggerMessage(203, LogLevel.Warning, "Urial remote engine: the request failed on {Endpoint} before its answer started; trying {Next}.")]
    public static partial void FailingOver(ILogger logger, Uri endpoint, Uri next, Exception exception);

    [LoggerMessage(204, LogLevel.Information, "Urial remote engine: {Endpoint} answers again.")]
    public static partial void ReplicaRecovered(ILogger logger, Uri endpoint);

    [LoggerMessage(205, LogLevel.Information, "Urial remote engine: the answer from {Endpoint} left its grammar after {AcceptedLength} valid characters; one repair request continues from there.")]
    public static partial void RepairingAnswer(ILogger logger, Uri endpoint, int acceptedLength);
}
