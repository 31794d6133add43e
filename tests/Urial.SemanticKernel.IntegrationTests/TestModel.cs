namespace Urial.SemanticKernel;

/// <summary>Locates the tiny real test model (stories260K.gguf) without copying it into the repository.</summary>
internal static class TestModel
{
    private const string EnvironmentVariable = "URIAL_TEST_MODEL";
    private static readonly string[] RelativePath = ["shared", "models", "stories260K.gguf"];

    /// <summary>
    /// The model path: <c>URIAL_TEST_MODEL</c> if set, else <c>shared/models/stories260K.gguf</c> found in
    /// <see cref="AppContext.BaseDirectory"/> or any of its ancestors (the repository sits beside <c>shared</c>).
    /// Fails (never skips) with a clear message when the model cannot be found.
    /// </summary>
    public static string Path => Locate();

    private static string Locate()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return File.Exists(fromEnvironment)
                ? fromEnvironment
                : throw new FileNotFoundException($"{EnvironmentVariable} points to '{fromEnvironment}', which does not exist.", fromEnvironment);
        }

        var searched = new List<string>();
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine([dir.FullName, .. RelativePath]);
            searched.Add(candidate);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException(
            $"The test model stories260K.gguf was not found. Set {EnvironmentVariable} to its path, or place it at "
            + "<parent of the repository>/shared/models/stories260K.gguf. Searched:\n" + string.Join("\n", searched));
    }
}
