using Spectre.Console;
using Urial.AgentConsole.Models;

namespace Urial.AgentConsole.Tests.Models;

/// <summary>Discovery and download against a loopback server: the verified file lands in the cache, a wrong one never does.</summary>
public sealed class ModelLocatorTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private string CacheDirectory => _temp.File("cache");

    private ModelLocator Locator(string url, StringWriter progress) => new(
        name => name switch
        {
            "URIAL_NO_DISCOVERY" => "1",
            "URIAL_CACHE_DIR" => CacheDirectory,
            "URIAL_MODEL_URL" => url,
            _ => null,
        },
        new ModelDownloader(AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(progress) }), HangGuard.Limit));

    [Fact]
    public async Task Downloads_the_model_into_the_cache_once_then_reuses_it()
    {
        await using var server = new LoopbackFileServer(await File.ReadAllBytesAsync(TestModel.Path, Token));
        using var progress = new StringWriter();
        var locator = Locator(server.Url, progress);

        var path = await locator.LocateAsync(explicitPath: null, Token);
        var again = await locator.LocateAsync(explicitPath: null, Token);

        Assert.Equal(Path.Combine(CacheDirectory, "stories260K.gguf"), path);
        Assert.Equal(path, again);
        Assert.Null(ModelFileCheck.Problem(path));
        Assert.Equal(1, server.Requests);
        Assert.Single(Directory.GetFiles(CacheDirectory));
    }

    [Fact]
    public async Task A_download_that_is_not_the_model_is_refused_and_leaves_nothing_in_the_cache()
    {
        await using var server = new LoopbackFileServer("<html>Please log in</html>"u8.ToArray());
        using var progress = new StringWriter();

        var error = await Assert.ThrowsAsync<AgentConsoleException>(() => Locator(server.Url, progress).LocateAsync(explicitPath: null, Token));

        Assert.Contains("not a GGUF file", error.Message, StringComparison.Ordinal);
        Assert.Contains("--model", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(CacheDirectory));
    }

    [Fact]
    public async Task An_explicit_path_wins_over_everything()
    {
        using var progress = new StringWriter();

        var path = await Locator("http://127.0.0.1:9/never-asked", progress).LocateAsync(TestModel.Path, Token);

        Assert.Equal(Path.GetFullPath(TestModel.Path), path);
        Assert.False(Directory.Exists(CacheDirectory));
    }
}
