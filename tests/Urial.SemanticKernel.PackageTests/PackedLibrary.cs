namespace Urial.SemanticKernel.PackageTests;

/// <summary>Both packages (Urial.SemanticKernel.Core and Urial.SemanticKernel over it) packed once per test class, as a release would ship them, with a unique pre-release version.</summary>
/// <remarks>The unique version keeps any copy in the NuGet cache from standing in for the package under test.</remarks>
public sealed class PackedLibrary : IAsyncLifetime
{
    // Guards against a hang only, far beyond a pack on a loaded two-core machine; never a pass criterion.
    private static readonly TimeSpan s_packTimeout = TimeSpan.FromMinutes(20);

    /// <summary>Gets the repository root (the folder of Urial.SemanticKernel.sln).</summary>
    public string Repository { get; } = RepositoryRoot();

    /// <summary>Gets the package version, 0.1.0-packagetest.&lt;random&gt;.</summary>
    public string Version { get; } = "0.1.0-packagetest." + Guid.NewGuid().ToString("N")[..12];

    /// <summary>Gets a temporary folder for this class's files, deleted afterwards.</summary>
    public string WorkDirectory { get; } = Directory.CreateTempSubdirectory("urial-package-tests-").FullName;

    /// <summary>Gets the folder feed the package was packed into.</summary>
    public string Feed => Path.Combine(WorkDirectory, "feed");

    /// <summary>Gets the ids of the packages, the one without native code first.</summary>
    public static IReadOnlyList<string> PackageIds { get; } = [CoreId, MainId];

    /// <summary>The package without the in-process engine.</summary>
    public const string CoreId = "Urial.SemanticKernel.Core";

    /// <summary>The package with the in-process llama.cpp engine, which depends on <see cref="CoreId"/>.</summary>
    public const string MainId = "Urial.SemanticKernel";

    /// <summary>Gets the path of a package's .nupkg.</summary>
    public string Package(string id) => Path.Combine(Feed, $"{id}.{Version}.nupkg");

    /// <summary>Gets the path of a package's .snupkg.</summary>
    public string SymbolPackage(string id) => Path.Combine(Feed, $"{id}.{Version}.snupkg");

    /// <summary>Gets the results of the packs, one per package in <see cref="PackageIds"/> order.</summary>
    public IReadOnlyList<ProcessResult> Packs { get; private set; } = [];

    public async ValueTask InitializeAsync()
    {
        // One after the other: the second pack finds the first one's build of Core up to date.
        var packs = new List<ProcessResult>();
        foreach (var id in PackageIds)
        {
            packs.Add(await DotNet.RunAsync(Repository, s_packTimeout, null,
                "pack", Path.Combine(Repository, "src", id), "-c", "Release", "-o", Feed, "-p:PackageVersion=" + Version, "-nodeReuse:false"));
        }

        Packs = packs;
    }

    public ValueTask DisposeAsync()
    {
        DeleteQuietly(WorkDirectory);
        return ValueTask.CompletedTask;
    }

    /// <summary>Deletes a folder; one left behind (still in use, no permission) is not a test failure.</summary>
    public static void DeleteQuietly(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Urial.SemanticKernel.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException("The repository (Urial.SemanticKernel.sln) was not found above " + AppContext.BaseDirectory);
    }
}
