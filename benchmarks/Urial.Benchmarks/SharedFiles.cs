namespace Urial.Benchmarks;

/// <summary>Finds files of the shared folder (<c>shared/</c> or <c>../shared/</c>, walking up from the binaries and the working directory).</summary>
internal static class SharedFiles
{
    /// <summary>Returns the full path of <paramref name="relativePath"/> inside the shared folder, or <see langword="null"/>.</summary>
    public static string? Find(string relativePath)
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                foreach (var candidate in new[] { "shared", "../shared" })
                {
                    var path = Path.Combine(directory.FullName, candidate, relativePath);
                    if (File.Exists(path))
                    {
                        return Path.GetFullPath(path);
                    }
                }
            }
        }

        return null;
    }
}
