using LLama.Native;
using Microsoft.Extensions.Logging;

namespace Urial.SemanticKernel;

/// <summary>The library's log messages, generated at compile time so that a disabled level costs nothing.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Urial engine ready: model {ModelId}, cached prefix {PrefixTokens} tokens, loaded in {ElapsedMs:F0} ms.")]
    public static partial void EngineReady(ILogger logger, string modelId, int prefixTokens, double elapsedMs);

    [LoggerMessage(2, LogLevel.Error, "Urial engine step failed; requests in flight were failed and the executor rebuilt.")]
    public static partial void StepFailed(ILogger logger, Exception exception);

    [LoggerMessage(3, LogLevel.Warning, "llama_decode returned {Result} with {Running} requests running; rebuilding the executor from the saved prefix.")]
    public static partial void DecodeFailed(ILogger logger, DecodeResult result, int running);

    [LoggerMessage(4, LogLevel.Warning, "ContextSize {ContextSize} exceeds the {TrainedContext} tokens the model was trained on; output quality may degrade past that length.")]
    public static partial void ContextBeyondTraining(ILogger logger, int contextSize, int trainedContext);

    [LoggerMessage(6, LogLevel.Warning, "The saved URIAL prefix state '{Path}' could not be used; the prefix is evaluated instead.")]
    public static partial void PrefixStateUnusable(ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = 5, Message = "{Message}")]
    public static partial void NativeMessage(ILogger logger, LogLevel level, string message);
}
