using System.IO.Compression;

namespace Urial.SemanticKernel.PackageTests;

/// <summary>The package without the in-process engine: what a client of a vLLM or llama-server fleet references, with no native code to ship.</summary>
public sealed partial class NuGetPackageTests
{
    [Fact]
    public void The_Core_package_carries_the_managed_library_and_its_dependencies_but_no_LLamaSharp()
    {
        AssertPacked();
        using var package = ZipFile.OpenRead(library.Package(PackedLibrary.CoreId));
        var entries = package.Entries.Select(entry => entry.FullName).ToList();
        var nuspec = Nuspec(package, PackedLibrary.CoreId);

        Assert.Equal(PackedLibrary.CoreId, Metadata(nuspec, "id"));
        Assert.Equal(library.Version, Metadata(nuspec, "version"));
        Assert.Equal("MIT", Metadata(nuspec, "license"));
        Assert.Equal("README.md", Metadata(nuspec, "readme"));
        Assert.Contains("URIAL", Metadata(nuspec, "description"), StringComparison.Ordinal);

        var dependencies = Dependencies(nuspec);
        Assert.DoesNotContain(dependencies.Keys, id => id.StartsWith("LLamaSharp", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(PackedLibrary.MainId, dependencies.Keys);
        Assert.Equal("1.82.0", dependencies["Microsoft.SemanticKernel.Abstractions"].Version);
        Assert.DoesNotContain("Microsoft.SemanticKernel", dependencies.Keys);
        Assert.Equal("10.11.0", dependencies["Microsoft.Extensions.AI"].Version);
        Assert.Contains("Microsoft.Extensions.Hosting.Abstractions", dependencies.Keys);
        Assert.Contains("Microsoft.Extensions.Http.Resilience", dependencies.Keys);
        Assert.DoesNotContain(dependencies.Keys, id => id.StartsWith("Microsoft.SourceLink", StringComparison.Ordinal) || id.Contains("Analyzers", StringComparison.Ordinal));

        Assert.Contains("README.md", entries);
        Assert.Contains("LICENSE", entries);
        Assert.Contains("lib/net10.0/Urial.SemanticKernel.Core.dll", entries);
        Assert.Contains("lib/net10.0/Urial.SemanticKernel.Core.xml", entries);
        Assert.Contains("buildTransitive/Urial.SemanticKernel.Core.targets", entries); // keeps ASP.NET Core applications' [LoggerMessage] building (see the file)
        Assert.DoesNotContain(entries, entry => entry.StartsWith("content", StringComparison.Ordinal) || entry.StartsWith("runtimes", StringComparison.Ordinal));

        using var symbols = ZipFile.OpenRead(library.SymbolPackage(PackedLibrary.CoreId));
        Assert.Contains(symbols.Entries, entry => entry.FullName == "lib/net10.0/Urial.SemanticKernel.Core.pdb");
    }

    [Fact]
    public async Task A_fresh_application_that_references_only_Core_chats_through_a_real_llama_server_and_ships_no_native_code()
    {
        await using var server = await LlamaServer.StartAsync(slots: 1, cancellationToken: TestContext.Current.CancellationToken);

        var (output, packages, files) = await PublishAndRunAsync("Remote", new Dictionary<string, string> { ["URIAL_SERVER"] = server.Address.ToString() });

        Assert.Matches(@"REMOTE ANSWER \((stop|length), [1-9][0-9]* tokens\): \S", output);
        Assert.Matches(@"HOSTED REMOTE ANSWER \((stop|length)\): \S", output);
        Assert.Matches(@"LOCAL MODEL REFUSED: .*ModelPath is '/models/base.gguf'.*add a PackageReference to the Urial.SemanticKernel package", output);

        // What was restored and what would ship: neither the engine package nor LLamaSharp, no llama.cpp library under any name.
        Assert.Contains(PackedLibrary.CoreId, packages);
        Assert.DoesNotContain(PackedLibrary.MainId, packages);
        Assert.DoesNotContain(packages, id => id.StartsWith("LLamaSharp", StringComparison.OrdinalIgnoreCase));
        Assert.Contains("Urial.SemanticKernel.Core.dll", files);
        Assert.DoesNotContain("Urial.SemanticKernel.dll", files);
        Assert.DoesNotContain(files, file => file.StartsWith("runtimes/", StringComparison.Ordinal) && file.Contains("/native/", StringComparison.Ordinal));
        Assert.DoesNotContain(files, file =>
            Path.GetFileName(file).Contains("llama", StringComparison.OrdinalIgnoreCase) || Path.GetFileName(file).Contains("ggml", StringComparison.OrdinalIgnoreCase));
    }
}
