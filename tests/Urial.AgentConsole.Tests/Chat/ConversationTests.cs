using Urial.AgentConsole.Chat;
using Urial.AgentConsole.Plugins;
using Urial.SemanticKernel;

namespace Urial.AgentConsole.Tests.Chat;

/// <summary>What <c>/stats</c> and <c>/prompt</c> show, on the real model, through both runtimes.</summary>
public sealed class ConversationTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Two_turns_record_usage_timings_and_the_rendered_prompt(bool useAgent)
    {
        await using var host = AssistantHost.Create(TestModel.Path, UrialPrompt.Default, new NotesStore(_temp.File("notes.json")));
        await host.WarmUpAsync(Token);
        var conversation = new Conversation(host.CreateAssistant(useAgent, maxTokens: 12), host.Client);
        Assert.Equal(UrialPrompt.Default.Text, conversation.RenderLastPrompt());

        var first = string.Concat(await conversation.AskAsync("Tell me about a red ball.", Token).ToListAsync(Token));
        await conversation.AskAsync("And then?", Token).ToListAsync(Token);

        var stats = conversation.Stats;
        Assert.Equal(2, stats.Turns);
        Assert.InRange(stats.OutputTokens, 2, 24);
        Assert.True(stats.CachedInputTokens >= 2 * host.CachedPrefixTokens!.Value, "both turns reuse the cached URIAL prefix");
        Assert.True(stats.InputTokens > stats.CachedInputTokens);
        Assert.NotNull(stats.LastTimeToFirstToken);
        Assert.True(host.CachedPrefixTokens > 1000);

        var rendered = conversation.RenderLastPrompt();
        Assert.StartsWith(UrialPrompt.Default.Text, rendered, StringComparison.Ordinal);
        Assert.Contains("Tell me about a red ball.", rendered, StringComparison.Ordinal);
        Assert.Contains(first.Trim(), rendered, StringComparison.Ordinal);
        Assert.Contains("And then?", rendered, StringComparison.Ordinal);
        Assert.Contains("# Tools:", rendered, StringComparison.Ordinal); // the plugins are offered to the model
        Assert.Contains("Calculator_", rendered, StringComparison.Ordinal);

        await conversation.ResetAsync(Token);
        Assert.Equal(0, conversation.Stats.Turns);
        Assert.Equal(UrialPrompt.Default.Text, conversation.RenderLastPrompt());
    }
}
