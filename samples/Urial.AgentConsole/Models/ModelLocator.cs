namespace Urial.AgentConsole.Models;

/// <summary>Finds the model to load when the user names none, so that <c>dotnet run</c> works from a fresh clone.</summary>
/// <remarks>
/// Order: <c>--model</c>; <c>URIAL_MODEL</c>; <c>shared/models/stories260K.gguf</c> or <c>../shared/models/…</c> above the
/// current folder or the app's folder (skipped when <c>URIAL_NO_DISCOVERY=1</c>); the user cache
/// (<c>URIAL_CACHE_DIR</c>, else <c>$XDG_CACHE_HOME/urial/models</c>, else <c>~/.cache/urial/models</c>); finally a
/// download into that cache from <c>URIAL_MODEL_URL</c> or Hugging Face.
/// </remarks>
/// <param name="getEnvironment">Reads an environment variable; tests pass their own instead of changing the process's.</param>
/// <param name="downloader">Fetches the model when nothing local is found.</param>
internal sealed class ModelLocator(Func<string, string?> getEnvironment, ModelDownloader downloader)
{
    /// <summary>Finds, or downloads, the model file.</summary>
    /// <param name="explicitPath">The <c>--model</c> option, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">The token to cancel a download.</param>
    /// <returns>The full path of an existing model file.</returns>
    /// <exception cref="AgentConsoleException">A named file does not exist, or the download failed.</exception>
    public async Task<string> LocateAsync(string? explicitPath, CancellationToken cancellationToken)
    {
        if (explicitPath is not null)
        {
            return Existing(explicitPath, "--model");
        }

        if (getEnvironment("URIAL_MODEL") is { Length: > 0 } fromEnvironment)
        {
            return Existing(fromEnvironment, "URIAL_MODEL");
        }

        if (getEnvironment("URIAL_NO_DISCOVERY") != "1" && FindInSharedFolder() is { } shared)
        {
            return shared;
        }

        var cached = Path.Combine(CacheDirectory(), ModelFileCheck.FileName);
        if (File.Exists(cached) && ModelFileCheck.Problem(cached) is null)
        {
            return cached;
        }

        var url = getEnvironment("URIAL_MODEL_URL") is { Length: > 0 } overridden ? overridden : ModelDownloader.DefaultUrl;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            throw new AgentConsoleException($"URIAL_MODEL_URL '{url}' is not an absolute URL.");
        }

        await downloader.DownloadAsync(uri, cached, cancellationToken).ConfigureAwait(false);
        return cached;
    }

    private static string Existing(string path, string source) => File.Exists(path)
        ? Path.GetFullPath(path)
        : throw new AgentConsoleException($"Model file not found: '{Path.GetFullPath(path)}' (from {source}).");

    private static string? FindInSharedFolder()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                foreach (var shared in new[] { "shared", Path.Combine("..", "shared") })
                {
                    var candidate = Path.Combine(directory.FullName, shared, "models", ModelFileCheck.FileName);
                    if (File.Exists(candidate))
                    {
                        return Path.GetFullPath(candidate);
                    }
                }
            }
        }

        return null;
    }

    private string CacheDirectory()
    {
        if (getEnvironment("URIAL_CACHE_DIR") is { Length: > 0 } overridden)
        {
            return overridden;
        }

        var cacheRoot = getEnvironment("XDG_CACHE_HOME") is { Length: > 0 } xdg
            ? xdg
            : OperatingSystem.IsWindows()
                ? Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData)
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(cacheRoot, "urial", "models");
    }
}
