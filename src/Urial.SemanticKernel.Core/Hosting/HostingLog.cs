using Microsoft.Extensions.Logging;

namespace Urial.SemanticKernel;

/// <summary>The hosting layer's log messages.</summary>
internal static partial class HostingLog
{
    [LoggerMessage(101, LogLevel.Information, "Urial model {ServiceId} warming up: loading {ModelPath} and evaluating the URIAL prefix.")]
    public static partial void WarmingUp(ILogger logger, string serviceId, string modelPath);

    [LoggerMessage(102, LogLevel.Information, "Urial model {ServiceId} ({ModelId}) warmed up in {ElapsedMs:F0} ms.")]
    public static partial void WarmedUp(ILogger logger, string serviceId, string modelId, double elapsedMs);

    [LoggerMessage(103, LogLevel.Error, "Urial model {ServiceId} failed to warm up.")]
    public static partial void WarmUpFailed(ILogger logger, string serviceId, Exception exception);
}
