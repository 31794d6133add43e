using System.Diagnostics;
using System.Text.Json;

namespace Urial.Server.Tests;

/// <summary>The official <c>openai</c> npm package (node/package-lock.json) as a client from Node.js.</summary>
/// <remarks>Building the test project installs it (<c>npm ci</c> in node/, the version package-lock.json pins).</remarks>
public sealed class NodeClientTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private static readonly string s_nodeDirectory = Path.Combine(RepositoryRoot(), "tests", "Urial.Server.Tests", "node");

    [Fact]
    public async Task The_openai_npm_package_completes_streams_calls_tools_and_gets_the_n_refusal()
    {
        Assert.True(
            File.Exists(Path.Combine(s_nodeDirectory, "node_modules", "openai", "package.json")),
            $"The openai npm package is not installed: run 'npm ci --prefix {s_nodeDirectory}'.");

        var (exitCode, output) = await RunNodeAsync("client.mjs", new Uri(fixture.Server.BaseAddress, "v1").ToString(), fixture.ApiKey);

        Assert.True(exitCode == 0, output);
        using var document = JsonDocument.Parse(output.Trim().Split('\n')[^1]);
        var seen = document.RootElement;
        Assert.False(string.IsNullOrWhiteSpace(seen.GetProperty("text").GetString()));
        Assert.Equal(seen.GetProperty("text").GetString(), seen.GetProperty("streamed").GetString());
        Assert.Equal([seen.GetProperty("finishReason").GetString()], seen.GetProperty("finishReasons").EnumerateArray().Select(reason => reason.GetString()));
        Assert.True(seen.GetProperty("usage").GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32() > 0);
        Assert.Equal(seen.GetProperty("usage").GetProperty("completion_tokens").GetInt32(), seen.GetProperty("streamUsage").GetProperty("completion_tokens").GetInt32());

        Assert.Equal("tool_calls", seen.GetProperty("toolFinishReason").GetString());
        var function = seen.GetProperty("toolCall").GetProperty("function");
        Assert.Equal("get_weather", function.GetProperty("name").GetString());
        using var arguments = JsonDocument.Parse(function.GetProperty("arguments").GetString()!);
        Assert.Equal(JsonValueKind.String, arguments.RootElement.GetProperty("city").ValueKind);

        Assert.Equal(400, seen.GetProperty("refused").GetProperty("status").GetInt32());
        Assert.Equal("n", seen.GetProperty("refused").GetProperty("param").GetString());
        Assert.Equal(["stories260K"], seen.GetProperty("models").EnumerateArray().Select(model => model.GetString()));
    }

    private static async Task<(int ExitCode, string Output)> RunNodeAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("node") { WorkingDirectory = s_nodeDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        try
        {
            await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        return (process.ExitCode, await stdout + await stderr);
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
