using LLama.Native;

namespace Urial.Cli;

/// <summary>Keeps llama.cpp's chatty log (every tensor at load) off the terminal; errors still reach stderr.</summary>
internal static class NativeLog
{
    private static int s_installed;

    public static void Silence()
    {
        if (Interlocked.Exchange(ref s_installed, 1) == 0)
        {
            NativeLogConfig.llama_log_set((level, message) =>
            {
                if (level == LLamaLogLevel.Error)
                {
                    Console.Error.Write(message);
                }
            });
        }
    }
}
