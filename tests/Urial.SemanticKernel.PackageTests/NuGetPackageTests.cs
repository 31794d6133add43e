using System.IO.Compression;
using System.Xml.Linq;

namespace Urial.SemanticKernel.PackageTests;

/// <summary>The packed library: what the package holds, and a fresh application that knows it only as a NuGet package.</summary>
/// <remarks>
/// The consumer folder has stub Directory.Build/Packages files and its own nuget.config (the temporary feed and this
/// repository's nuget.org source), so nothing of this repository's build leaks in. The restored package is removed from
/// the NuGet cache afterwards.
/// </remarks>
public sealed partial class NuGetPackageTests(PackedLibrary library) : IClassFixture<PackedLibrary>
{
    // Guards against a hang only, far beyond a build on a loaded two-core machine (the whole solution built in 3 min 13 s under load); never a pass criterion.
    private static readonly TimeSpan s_buildTimeout = TimeSpan.FromMinutes(20);
    private static readonly TimeSpan s_runTimeout = TimeSpan.FromMinutes(10);

    [Fact]
    public void The_package_carries_its_metadata_readme_license_docs_and_dependencies_but_no_native_copies()
    {
        AssertPacked();
        using var package = ZipFile.OpenRead(library.Package(PackedLibrary.MainId));
        var entries = package.Entries.Select(entry => entry.FullName).ToList();
        var nuspec = Nuspec(package, PackedLibrary.MainId);

        Assert.Equal("Urial.SemanticKernel", Metadata(nuspec, "id"));
        Assert.Equal(library.Version, Metadata(nuspec, "version"));
        Assert.False(string.IsNullOrWhiteSpace(Metadata(nuspec, "authors")));
        Assert.Contains("URIAL", Metadata(nuspec, "description"), StringComparison.Ordinal);
        Assert.Equal("MIT", Metadata(nuspec, "license"));
        Assert.Equal("README.md", Metadata(nuspec, "readme"));
        Assert.Equal(["urial", "llm", "semantic-kernel", "llamasharp", "gguf", "base-model", "alignment"], Metadata(nuspec, "tags").Split(' '));
        Assert.StartsWith("https://github.com/", Metadata(nuspec, "projectUrl"), StringComparison.Ordinal);
        var repository = Element(nuspec, "repository");
        Assert.Equal("git", (string?)repository.Attribute("type"));
        Assert.StartsWith("https://github.com/", (string?)repository.Attribute("url"), StringComparison.Ordinal);

        // The engine package is the native part only: everything managed comes with the Core package, at the same version.
        var dependencies = Dependencies(nuspec);
        Assert.Equal(library.Version, dependencies[PackedLibrary.CoreId].Version);
        Assert.Equal("0.30.0", dependencies["LLamaSharp"].Version);
        Assert.Equal("0.30.0", dependencies["LLamaSharp.Backend.Cpu"].Version);
        Assert.DoesNotContain("Build", dependencies["LLamaSharp.Backend.Cpu"].Exclude, StringComparison.OrdinalIgnoreCase); // its props copy the native libraries
        Assert.DoesNotContain("Microsoft.SemanticKernel", dependencies.Keys); // the meta-package pulls in connectors an IChatClient user never needs
        Assert.DoesNotContain(dependencies.Keys, id => id.StartsWith("Microsoft.SemanticKernel.Connectors", StringComparison.Ordinal));
        Assert.DoesNotContain(dependencies.Keys, id => id.StartsWith("Microsoft.SourceLink", StringComparison.Ordinal) || id.Contains("Analyzers", StringComparison.Ordinal));

        Assert.Contains("README.md", entries);
        Assert.Contains("LICENSE", entries);
        Assert.Contains("lib/net10.0/Urial.SemanticKernel.dll", entries);
        Assert.Contains("lib/net10.0/Urial.SemanticKernel.xml", entries);
        Assert.DoesNotContain("lib/net10.0/Urial.SemanticKernel.Core.dll", entries); // Core comes as its own package, never as a copy
        Assert.DoesNotContain(entries, entry => entry.StartsWith("content", StringComparison.Ordinal) || entry.StartsWith("runtimes", StringComparison.Ordinal));

        using var symbols = ZipFile.OpenRead(library.SymbolPackage(PackedLibrary.MainId));
        Assert.Contains(symbols.Entries, entry => entry.FullName == "lib/net10.0/Urial.SemanticKernel.pdb");
    }

    [Fact]
    public async Task A_fresh_Semantic_Kernel_application_restores_the_packed_package_chats_and_embeds_with_a_real_model()
    {
        var (output, _) = await BuildAndRunAsync("Kernel");

        Assert.Matches(@"CHAT CLIENT ANSWER \((stop|length), [1-9][0-9]* tokens\): \S", output);
        Assert.Matches(@"KERNEL ANSWER: \S", output);
        Assert.Contains("KERNEL EMBEDDINGS: 2 x 64", output, StringComparison.Ordinal);
        Assert.Contains("SHARED ENGINE: True", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_fresh_Microsoft_Extensions_AI_application_without_Semantic_Kernel_composes_the_pipeline_and_embeds()
    {
        var (output, packages) = await BuildAndRunAsync("ExtensionsAI");

        Assert.Matches(@"HOSTED CHAT ANSWER \((stop|length), [1-9][0-9]* tokens, middleware calls 1\): \S", output);
        Assert.Contains("EMBEDDINGS: 2 x 64", output, StringComparison.Ordinal);
        Assert.Contains("SHARED ENGINE: True", output, StringComparison.Ordinal);

        // What the library brings along: Semantic Kernel's abstractions, not the meta-package, its core or any connector.
        Assert.Contains("Microsoft.SemanticKernel.Abstractions", packages);
        Assert.DoesNotContain(packages, id => id is "Microsoft.SemanticKernel" or "Microsoft.SemanticKernel.Core" || id.StartsWith("Microsoft.SemanticKernel.Connectors", StringComparison.Ordinal));
        Assert.DoesNotContain(packages, id => id.StartsWith("Azure.", StringComparison.Ordinal) || id == "OpenAI");
    }

    /// <summary>Writes the consumer from its templates, builds it against the packed package, runs it on the real model and returns its output and the packages it restored.</summary>
    private async Task<(string Output, IReadOnlyList<string> Packages)> BuildAndRunAsync(string template)
    {
        var (output, packages, files) = await PublishAndRunAsync(template, new Dictionary<string, string> { ["URIAL_MODEL"] = TestModel.Path });
        Assert.True(files.Any(file => file.Contains("llama.", StringComparison.Ordinal) && file.StartsWith("runtimes/", StringComparison.Ordinal)),
            "the CPU backend's native libraries did not reach the application");
        return (output, packages);
    }

    /// <summary>Writes the consumer from its templates, publishes it against the packed packages, runs it and returns its output, the packages it restored and the published files (relative paths with '/').</summary>
    private async Task<(string Output, IReadOnlyList<string> Packages, IReadOnlyList<string> Files)> PublishAndRunAsync(string template, IReadOnlyDictionary<string, string> environment)
    {
        AssertPacked();
        var consumer = Path.Combine(library.WorkDirectory, template);
        var published = Path.Combine(consumer, "published");
        string? globalPackages = null;
        try
        {
            WriteConsumer(template, consumer);
            var build = await DotNet.RunAsync(consumer, s_buildTimeout, null, "publish", "-c", "Release", "-o", published, "-nodeReuse:false");
            globalPackages = await GlobalPackagesFolder(consumer);
            Assert.True(build.ExitCode == 0, "the consumer did not build:\n" + build.Output);

            var run = await DotNet.RunAsync(consumer, s_runTimeout, environment, Path.Combine(published, "Consumer.dll"));
            TestContext.Current.SendDiagnosticMessage($"pack {library.Packs.Sum(pack => pack.Elapsed.TotalSeconds):0.0} s, consumer publish {build.Elapsed.TotalSeconds:0.0} s, run {run.Elapsed.TotalSeconds:0.0} s\n{run.Output}");

            Assert.True(run.ExitCode == 0, "the consumer failed:\n" + run.Output);
            var files = Directory.EnumerateFiles(published, "*", SearchOption.AllDirectories)
                .Select(file => Path.GetRelativePath(published, file).Replace(Path.DirectorySeparatorChar, '/')).ToList();
            return (run.Output, RestoredPackages(consumer), files);
        }
        finally
        {
            RemoveFromCache(globalPackages);
        }
    }

    /// <summary>Removes the restored test package from the NuGet cache, so that no later restore picks it up.</summary>
    private void RemoveFromCache(string? globalPackages)
    {
        foreach (var packageId in globalPackages is null ? [] : PackedLibrary.PackageIds)
        {
            var id = Path.Combine(globalPackages!, packageId.ToLowerInvariant());
            PackedLibrary.DeleteQuietly(Path.Combine(id, library.Version));
            if (Directory.Exists(id) && !Directory.EnumerateFileSystemEntries(id).Any())
            {
                PackedLibrary.DeleteQuietly(id);
            }
        }
    }

    /// <summary>Reads the ids of every package NuGet restored for the consumer (its own and transitive ones).</summary>
    private static List<string> RestoredPackages(string consumer)
    {
        using var assets = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(consumer, "obj", "project.assets.json")));
        return [.. assets.RootElement.GetProperty("libraries").EnumerateObject()
            .Where(library => library.Value.GetProperty("type").GetString() == "package")
            .Select(library => library.Name.Split('/')[0])];
    }

    [Fact]
    public async Task The_server_sample_builds_against_the_packed_package_and_serves_an_OpenAI_request()
    {
        AssertPacked();
        var folder = Path.Combine(library.WorkDirectory, "server");
        string? globalPackages = null;
        try
        {
            WriteServer(folder);
            var build = await DotNet.RunAsync(folder, s_buildTimeout, null, "build", "-c", "Release", "-nodeReuse:false");
            globalPackages = await GlobalPackagesFolder(folder);
            Assert.True(build.ExitCode == 0, "the server sample did not build against the package:\n" + build.Output);

            var settings = new Dictionary<string, string> { ["Urial__ModelPath"] = TestModel.Path, ["Urial__DefaultMaxOutputTokens"] = "16" };
            await using var server = await ServerProcess.StartAsync(Path.Combine(folder, "bin", "Release", "net10.0", "Urial.Server.dll"), settings, TestContext.Current.CancellationToken);
            using var client = new HttpClient { BaseAddress = server.BaseAddress };
            using var content = new StringContent("""{"model": "stories260K", "messages": [{"role": "user", "content": "Tell me a story."}]}""", System.Text.Encoding.UTF8, "application/json");
            using var response = await client.PostAsync(new Uri("v1/chat/completions", UriKind.Relative), content, TestContext.Current.CancellationToken);
            var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

            Assert.True(response.IsSuccessStatusCode, body);
            using var completion = System.Text.Json.JsonDocument.Parse(body);
            Assert.Equal("chat.completion", completion.RootElement.GetProperty("object").GetString());
            Assert.False(string.IsNullOrWhiteSpace(completion.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()));
            Assert.True(completion.RootElement.GetProperty("usage").GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32() > 0);
            Assert.Equal("Healthy", await client.GetStringAsync(new Uri("health", UriKind.Relative), TestContext.Current.CancellationToken));
        }
        finally
        {
            RemoveFromCache(globalPackages);
        }
    }

    /// <summary>Copies the server sample (sources, project, settings) and points it at the packed package instead of the project.</summary>
    private void WriteServer(string folder)
    {
        var sample = Path.Combine(library.Repository, "samples", "Urial.Server");
        foreach (var file in Directory.EnumerateFiles(sample, "*", SearchOption.AllDirectories)
            .Where(file => !Path.GetRelativePath(sample, file).Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj")))
        {
            var target = Path.Combine(folder, Path.GetRelativePath(sample, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        var project = Path.Combine(folder, "Urial.Server.csproj");
        const string Reference = """<ProjectReference Include="../../src/Urial.SemanticKernel/Urial.SemanticKernel.csproj" />""";
        var text = File.ReadAllText(project);
        Assert.Contains(Reference, text, StringComparison.Ordinal);
        File.WriteAllText(project, text.Replace(Reference, """<PackageReference Include="Urial.SemanticKernel" />""", StringComparison.Ordinal));

        // The repository's central package versions, plus the packed library's.
        var packages = XDocument.Load(Path.Combine(library.Repository, "Directory.Packages.props"));
        var group = packages.Root!.Element("ItemGroup")!;
        group.Add(new XElement("PackageVersion", new XAttribute("Include", "Urial.SemanticKernel"), new XAttribute("Version", library.Version)));
        packages.Root.AddFirst(new XElement("PropertyGroup", new XElement("ManagePackageVersionsCentrally", "true")));
        WriteIsolation(folder, packages.ToString());
    }

    private void AssertPacked()
    {
        foreach (var (id, pack) in PackedLibrary.PackageIds.Zip(library.Packs))
        {
            Assert.True(pack.ExitCode == 0, $"dotnet pack {id} failed:\n" + pack.Output);
            Assert.True(File.Exists(library.Package(id)), $"no {id} package in the feed:\n" + pack.Output);
            Assert.True(File.Exists(library.SymbolPackage(id)), $"no {id} symbols package in the feed:\n" + pack.Output);
        }

        Assert.Equal(PackedLibrary.PackageIds.Count, library.Packs.Count);
    }

    private void WriteConsumer(string template, string consumer)
    {
        Directory.CreateDirectory(consumer);
        var templates = Path.Combine(AppContext.BaseDirectory, "Consumers", template);
        File.WriteAllText(Path.Combine(consumer, "Consumer.csproj"), File.ReadAllText(Path.Combine(templates, "Consumer.csproj.template")).Replace("$URIAL_VERSION$", library.Version, StringComparison.Ordinal));
        File.Copy(Path.Combine(templates, "Program.cs.template"), Path.Combine(consumer, "Program.cs"));
        WriteIsolation(consumer, "<Project><PropertyGroup><ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally></PropertyGroup></Project>");
    }

    /// <summary>Stubs stop MSBuild's upward search for the files of whatever folder the temporary directory is in; restore sees only the feed and nuget.org.</summary>
    private void WriteIsolation(string folder, string packagesProps)
    {
        File.WriteAllText(Path.Combine(folder, "Directory.Build.props"), "<Project />");
        File.WriteAllText(Path.Combine(folder, "Directory.Build.targets"), "<Project />");
        File.WriteAllText(Path.Combine(folder, "Directory.Packages.props"), packagesProps);
        new XDocument(
            new XElement("configuration",
                new XElement("packageSources",
                    new XElement("clear"),
                    new XElement("add", new XAttribute("key", "packed"), new XAttribute("value", library.Feed)),
                    new XElement("add", new XAttribute("key", "nuget.org"), new XAttribute("value", NuGetOrgSource())))))
            .Save(Path.Combine(folder, "nuget.config"));
    }

    /// <summary>Gets the repository's own nuget.org source, so the consumer restores the dependencies from the same place.</summary>
    private string NuGetOrgSource() =>
        XDocument.Load(Path.Combine(library.Repository, "nuget.config"))
            .Descendants("add")
            .Single(source => (string?)source.Attribute("key") == "nuget.org")
            .Attribute("value")!.Value;

    private static async Task<string> GlobalPackagesFolder(string directory)
    {
        var result = await DotNet.RunAsync(directory, s_runTimeout, null, "nuget", "locals", "global-packages", "--list");
        const string Prefix = "global-packages:";
        var line = result.Output.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith(Prefix, StringComparison.Ordinal));
        return line is null ? throw new InvalidOperationException("No global-packages folder:\n" + result.Output) : line[Prefix.Length..].Trim();
    }

    private static XDocument Nuspec(ZipArchive package, string id)
    {
        using var stream = package.GetEntry(id + ".nuspec")!.Open();
        return XDocument.Load(stream);
    }

    /// <summary>Reads the package's dependencies from its nuspec: id → version and excluded assets.</summary>
    private static Dictionary<string, (string Version, string Exclude)> Dependencies(XDocument nuspec) =>
        nuspec.Descendants().Where(e => e.Name.LocalName == "dependency")
            .ToDictionary(e => (string)e.Attribute("id")!, e => (Version: (string)e.Attribute("version")!, Exclude: (string?)e.Attribute("exclude") ?? ""));

    private static string Metadata(XDocument nuspec, string name) => Element(nuspec, name).Value;

    private static XElement Element(XDocument nuspec, string name) =>
        nuspec.Descendants().FirstOrDefault(e => e.Name.LocalName == name) ?? throw new Xunit.Sdk.XunitException($"The nuspec has no <{name}>.");
}
