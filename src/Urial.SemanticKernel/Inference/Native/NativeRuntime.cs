using LLama.Native;
using Microsoft.Extensions.Logging;

namespace Urial.SemanticKernel;

/// <summary>Process-wide llama.cpp setup: its log goes to <see cref="ILogger"/> instead of stderr.</summary>
/// <remarks>
/// llama.cpp has one log callback per process, so the most recently configured logger factory receives it.
/// The callback is installed through <see cref="NativeLogConfig"/>, which works before and after the native
/// library has loaded (<see cref="NativeLibraryConfig"/> throws once it has).
/// </remarks>
internal static class NativeRuntime
{
    private static readonly Lock Gate = new();
    private static ILogger? s_logger;
    private static bool s_installed;

    public static void Configure(ILoggerFactory? loggerFactory)
    {
        lock (Gate)
        {
            if (loggerFactory is not null)
            {
                s_logger = loggerFactory.CreateLogger("LLama.Native");
            }

            if (!s_installed)
            {
                NativeLogConfig.llama_log_set(Forward);
                s_installed = true;
            }
        }
    }

    private static void Forward(LLamaLogLevel level, string message)
    {
        var logger = s_logger;
        if (logger is null)
        {
            return;
        }

        // llama.cpp is chatty at Info (every tensor, every context parameter): that is Debug for a library user.
        var mapped = level switch
        {
            LLamaLogLevel.Error => LogLevel.Error,
            LLamaLogLevel.Warning => LogLevel.Warning,
            LLamaLogLevel.Info => LogLevel.Debug,
            _ => LogLevel.Trace,
        };
        var line = message.TrimEnd('\n');
        if (line.Length > 0)
        {
            Log.NativeMessage(logger, mapped, line);
        }
    }
}
