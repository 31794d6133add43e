namespace Urial.SemanticKernel.Tests;

/// <summary>Finds the shared folder that holds the paper's prompt files (never copied into the repository).</summary>
/// <remarks>
/// The folder comes from the environment variable <c>URIAL_SHARED_DIR</c>, else from walking up from the test
/// binaries until a directory has <c>shared/urial-prompts</c> (or <c>../shared/urial-prompts</c>, next to the
/// repository root). A missing folder fails the test: CI always has it, and a skipped test would hide that.
/// </remarks>
internal static class SharedFiles
{
    private const string EnvironmentVariable = "URIAL_SHARED_DIR";

    private static readonly Lazy<string> s_directory = new(Locate);

    /// <summary>Gets the shared folder.</summary>
    public static string Directory => s_directory.Value;

    /// <summary>Returns the full path of one of the paper's prompt files and asserts that it exists.</summary>
    /// <param name="fileName">The file name, e.g. <c>inst_1k_v4.help.txt</c>.</param>
    /// <returns>The full path.</returns>
    public static string UrialPrompt(string fileName)
    {
        var path = Path.Combine(Directory, "urial-prompts", fileName);
        Assert.True(File.Exists(path), $"The shared URIAL prompt file '{path}' is missing.");
        return path;
    }

    private static string Locate()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            Assert.True(
                System.IO.Directory.Exists(Path.Combine(fromEnvironment, "urial-prompts")),
                $"{EnvironmentVariable} is set to '{fromEnvironment}', but that folder has no 'urial-prompts' subfolder.");
            return Path.GetFullPath(fromEnvironment);
        }

        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            foreach (var candidate in new[] { Path.Combine(directory.FullName, "shared"), Path.Combine(directory.FullName, "..", "shared") })
            {
                if (System.IO.Directory.Exists(Path.Combine(candidate, "urial-prompts")))
                {
                    return Path.GetFullPath(candidate);
                }
            }
        }

        Assert.Fail(
            $"The shared folder with 'urial-prompts' was not found above '{AppContext.BaseDirectory}'. " +
            $"Set {EnvironmentVariable} to the folder that contains 'urial-prompts'.");
        return string.Empty;
    }
}
