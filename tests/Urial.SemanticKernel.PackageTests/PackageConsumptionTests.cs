using System.Xml.Linq;

namespace Urial.SemanticKernel.PackageTests;

/// <summary>Packs the library as CI would ship it and uses it from a fresh application that knows it only as a NuGet package.</summary>
/// <remarks>
/// The package gets a unique pre-release version, so no copy in the NuGet cache can stand in for it, and is removed from the
/// cache afterwards. The consumer folder has stub Directory.Build/Packages files, so nothing of this repository's build leaks in.
/// </remarks>
public sealed class PackageConsumptionTests
{
    private static readonly TimeSpan s_packTimeout = TimeSpan.FromMinutes(4);
    private static readonly TimeSpan s_buildTimeout = TimeSpan.FromMinutes(4);
    private static readonly TimeSpan s_runTimeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task A_fresh_application_restores_the_packed_package_and_chats_with_a_real_model()
    {
        var repository = RepositoryRoot();
        var version = "0.1.0-packagetest." + Guid.NewGuid().ToString("N")[..12];
        var work = Directory.CreateTempSubdirectory("urial-package-tests-").FullName;
        var feed = Path.Combine(work, "feed");
        var consumer = Path.Combine(work, "consumer");
        string? globalPackages = null;
        try
        {
            var pack = await DotNet.RunAsync(repository, s_packTimeout, null,
                "pack", Path.Combine(repository, "src", "Urial.SemanticKernel"), "-c", "Release", "-o", feed, "-p:PackageVersion=" + version, "-nodeReuse:false");
            Assert.True(pack.ExitCode == 0, "dotnet pack failed:\n" + pack.Output);
            Assert.True(File.Exists(Path.Combine(feed, $"Urial.SemanticKernel.{version}.nupkg")), "no package in the feed:\n" + pack.Output);
            Assert.True(File.Exists(Path.Combine(feed, $"Urial.SemanticKernel.{version}.snupkg")), "no symbols package in the feed:\n" + pack.Output);

            WriteConsumer(consumer, feed, version, NuGetOrgSource(repository));
            var build = await DotNet.RunAsync(consumer, s_buildTimeout, null, "build", "-c", "Release", "-nodeReuse:false");
            globalPackages = await GlobalPackagesFolder(consumer);
            Assert.True(build.ExitCode == 0, "the consumer did not build:\n" + build.Output);

            var run = await DotNet.RunAsync(consumer, s_runTimeout, new Dictionary<string, string> { ["URIAL_MODEL"] = TestModel.Path },
                Path.Combine(consumer, "bin", "Release", "net10.0", "Consumer.dll"));
            TestContext.Current.SendDiagnosticMessage($"pack {pack.Elapsed.TotalSeconds:0.0} s, consumer build {build.Elapsed.TotalSeconds:0.0} s, run {run.Elapsed.TotalSeconds:0.0} s\n{run.Output}");

            Assert.True(run.ExitCode == 0, "the consumer failed:\n" + run.Output);
            Assert.Matches(@"CHAT CLIENT ANSWER \((stop|length), [1-9][0-9]* tokens\): \S", run.Output);
            Assert.Matches(@"KERNEL ANSWER: \S", run.Output);
            var runtimes = Path.Combine(consumer, "bin", "Release", "net10.0", "runtimes");
            Assert.True(Directory.Exists(runtimes) && Directory.EnumerateFiles(runtimes, "*llama.*", SearchOption.AllDirectories).Any(),
                "the CPU backend's native libraries did not reach the application");
        }
        finally
        {
            if (globalPackages is not null)
            {
                DeleteQuietly(Path.Combine(globalPackages, "urial.semantickernel", version));
            }

            DeleteQuietly(work);
        }
    }

    private static void WriteConsumer(string consumer, string feed, string version, string nugetOrg)
    {
        Directory.CreateDirectory(consumer);
        var templates = Path.Combine(AppContext.BaseDirectory, "Consumer");
        File.WriteAllText(Path.Combine(consumer, "Consumer.csproj"), File.ReadAllText(Path.Combine(templates, "Consumer.csproj.template")).Replace("$URIAL_VERSION$", version, StringComparison.Ordinal));
        File.Copy(Path.Combine(templates, "Program.cs.template"), Path.Combine(consumer, "Program.cs"));

        // Stubs stop MSBuild's upward search for the files of whatever folder the temporary directory is in.
        File.WriteAllText(Path.Combine(consumer, "Directory.Build.props"), "<Project />");
        File.WriteAllText(Path.Combine(consumer, "Directory.Build.targets"), "<Project />");
        File.WriteAllText(Path.Combine(consumer, "Directory.Packages.props"), "<Project><PropertyGroup><ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally></PropertyGroup></Project>");
        new XDocument(
            new XElement("configuration",
                new XElement("packageSources",
                    new XElement("clear"),
                    new XElement("add", new XAttribute("key", "packed"), new XAttribute("value", feed)),
                    new XElement("add", new XAttribute("key", "nuget.org"), new XAttribute("value", nugetOrg)))))
            .Save(Path.Combine(consumer, "nuget.config"));
    }

    /// <summary>Gets the repository's own nuget.org source, so the consumer restores the dependencies from the same place.</summary>
    private static string NuGetOrgSource(string repository) =>
        XDocument.Load(Path.Combine(repository, "nuget.config"))
            .Descendants("add")
            .Single(source => (string?)source.Attribute("key") == "nuget.org")
            .Attribute("value")!.Value;

    private static async Task<string> GlobalPackagesFolder(string directory)
    {
        var result = await DotNet.RunAsync(directory, TimeSpan.FromMinutes(1), null, "nuget", "locals", "global-packages", "--list");
        const string Prefix = "global-packages:";
        var line = result.Output.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith(Prefix, StringComparison.Ordinal));
        return line is null ? throw new InvalidOperationException("No global-packages folder:\n" + result.Output) : line[Prefix.Length..].Trim();
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

    private static void DeleteQuietly(string path)
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
            // A temporary folder left behind is not a test failure.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
