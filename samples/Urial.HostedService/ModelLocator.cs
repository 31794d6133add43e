namespace Urial.HostedService;

/// <summary>Resolves a relative model path: against the working directory, else against the repository and its parent folders.</summary>
/// <remarks>The repository default, <c>../shared/models/stories260K.gguf</c>, then works from a checkout and from a worktree beside it.</remarks>
internal static class ModelLocator
{
    public static string Resolve(string path)
    {
        if (string.IsNullOrWhiteSpace(path) || Path.IsPathRooted(path) || File.Exists(path))
        {
            return path; // empty and missing paths are reported by the options validation
        }

        for (var directory = FindRepository(); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.GetFullPath(Path.Combine(directory.FullName, path));
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return path;
    }

    private static DirectoryInfo? FindRepository()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Urial.SemanticKernel.sln")))
            {
                return directory;
            }
        }

        return new DirectoryInfo(Directory.GetCurrentDirectory());
    }
}
