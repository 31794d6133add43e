namespace Urial.Testing;

/// <summary>Finds the real test model: <c>URIAL_TEST_MODEL</c>, else <c>shared/models/stories260K.gguf</c> beside the checkout.</summary>
/// <remarks>Tests fail, never skip, when it is missing: CI always has it.</remarks>
internal static class TestModel
{
    private static readonly Lazy<string> s_path = new(Locate);

    public static string Path => s_path.Value;

    /// <summary>Gets the folder of the shared files (prompts, data) beside the checkout.</summary>
    public static string SharedDirectory => System.IO.Path.GetFullPath(System.IO.Path.Combine(System.IO.Path.GetDirectoryName(Path)!, ".."));

    private static string Locate()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("URIAL_TEST_MODEL");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return File.Exists(fromEnvironment)
                ? fromEnvironment
                : throw new FileNotFoundException($"URIAL_TEST_MODEL points at '{fromEnvironment}', which does not exist.");
        }

        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            foreach (var candidate in new[] { "shared", "../shared" })
            {
                var path = System.IO.Path.Combine(directory.FullName, candidate, "models", "stories260K.gguf");
                if (File.Exists(path))
                {
                    return System.IO.Path.GetFullPath(path);
                }
            }
        }

        throw new FileNotFoundException("The test model stories260K.gguf was not found: set URIAL_TEST_MODEL or put the shared folder beside the checkout (../shared/models/).");
    }
}
