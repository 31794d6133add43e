using System.Text;

namespace Urial.SemanticKernel.IntegrationTests.Inference;

/// <summary>The evaluated prefix survives a restart through a state file; a corrupt file is rebuilt, never read natively.</summary>
public sealed class PrefixStateFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("urial-prefix-state-").FullName;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private async Task<(bool Restored, string Text)> StartAndAskAsync()
    {
        await using var engine = new UrialEngine(new UrialEngineOptions { ModelPath = TestModel.Path, CachedPrefix = UrialPrompt.Default.Text, PrefixStateDirectory = _directory });
        var text = new StringBuilder();
        await foreach (var update in engine.GenerateAsync(new GenerationRequest(UrialPrompt.Default.Render([new(Microsoft.Extensions.AI.ChatRole.User, "Tell me a story.")])) { MaxOutputTokens = 24 }, Token))
        {
            text.Append(update.Text);
        }

        return (engine.PrefixRestoredFromFile, text.ToString());
    }

    [Fact]
    public async Task A_restart_restores_the_prefix_and_answers_identically()
    {
        var first = await StartAndAskAsync();
        var second = await StartAndAskAsync();

        Assert.False(first.Restored);
        Assert.True(second.Restored);
        Assert.Equal(first.Text, second.Text);
    }

    [Fact]
    public async Task A_corrupt_or_truncated_state_file_is_ignored_and_rebuilt()
    {
        var original = await StartAndAskAsync();
        var state = Assert.Single(Directory.GetFiles(_directory, "*.state"));
        var bytes = File.ReadAllBytes(state);
        bytes[bytes.Length / 2] ^= 0xFF;
        File.WriteAllBytes(state, bytes);

        var afterCorruption = await StartAndAskAsync();
        File.WriteAllBytes(state, File.ReadAllBytes(state)[..100]);
        var afterTruncation = await StartAndAskAsync();
        var restoredAgain = await StartAndAskAsync();

        Assert.False(afterCorruption.Restored);
        Assert.False(afterTruncation.Restored);
        Assert.True(restoredAgain.Restored);
        Assert.Equal(original.Text, afterCorruption.Text);
        Assert.Equal(original.Text, restoredAgain.Text);
    }
}
