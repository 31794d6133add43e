using Microsoft.Extensions.AI;

namespace Urial.SemanticKernel.IntegrationTests.Reliability;

/// <summary>The whole fault matrix in sequence, in one process and against one engine: afterwards that engine still answers, unharmed.</summary>
public sealed class ProcessSurvivalTests(FaultContext context) : IClassFixture<FaultContext>
{
    [Fact]
    public async Task After_every_fault_in_sequence_the_engine_still_answers_as_before()
    {
        var options = new ChatOptions { MaxOutputTokens = 24 };
        var before = await context.Client.GetResponseAsync("Tell me a story about a dog.", options, FaultContext.Token);
        var failures = new List<string>();

        foreach (var scenario in FaultMatrix.All)
        {
            try
            {
                await scenario.Run(context).FailIfHung(scenario.Name);
            }
            catch (Exception ex)
            {
                failures.Add($"{scenario.Name}: {ex.GetType().Name}: {ex.Message}");
            }
        }

        var after = await context.Client.GetResponseAsync("Tell me a story about a dog.", options, FaultContext.Token);

        Assert.Empty(failures);
        Assert.Equal(0, context.Engine.FaultCount);
        Assert.False(string.IsNullOrWhiteSpace(after.Text));
        Assert.Equal(before.Text, after.Text); // greedy: the engine's state is what it was
        // The prefix is still served from the cache (the repeated request may even reuse the first one's sequence).
        Assert.True(after.Usage!.CachedInputTokenCount >= before.Usage!.CachedInputTokenCount, $"{after.Usage.CachedInputTokenCount} < {before.Usage.CachedInputTokenCount}");
    }
}
