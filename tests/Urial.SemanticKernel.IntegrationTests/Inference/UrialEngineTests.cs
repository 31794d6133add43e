using System.Text;

namespace Urial.SemanticKernel.IntegrationTests.Inference;

public class UrialEngineTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static async Task<(string Text, GenerationUpdate Last)> RunAsync(IUrialEngine engine, GenerationRequest request)
    {
        var text = new StringBuilder();
        GenerationUpdate? last = null;
        await foreach (var update in engine.GenerateAsync(request, Token))
        {
            text.Append(update.Text);
            last = update;
        }

        return (text.ToString(), last!);
    }

    [Fact]
    public async Task Prompts_that_start_with_the_cached_prefix_reuse_it()
    {
        var prefix = File.ReadAllText(Path.Combine(TestModel.SharedDirectory, "urial-prompts", "inst_1k_v4.help.txt"));
        await using var engine = new UrialEngine(new UrialEngineOptions { ModelPath = TestModel.Path, CachedPrefix = prefix });
        await engine.WarmUpAsync(Token);

        var (_, last) = await RunAsync(engine, new GenerationRequest(prefix + "\n# Query:\n```\nOnce upon a time\n```\n\n# Answer:\n```\n") { MaxOutputTokens = 20 });

        Assert.Equal(engine.CachedPrefixTokenCount, last.Usage!.CachedPromptTokens);
        Assert.True(last.Usage.PromptTokens > engine.CachedPrefixTokenCount);
        var (_, unrelated) = await RunAsync(engine, new GenerationRequest("Once upon a time") { MaxOutputTokens = 5 });
        Assert.Equal(1, unrelated.Usage!.CachedPromptTokens); // only the beginning-of-sequence token is shared with the prefix or the cached turn
    }

    [Fact]
    public async Task A_stop_sequence_found_in_real_output_cuts_it_there_and_is_never_returned()
    {
        await using var engine = new UrialEngine(new UrialEngineOptions { ModelPath = TestModel.Path });
        const string Prompt = "Once upon a time, there was a little girl named Lily.";
        var (free, _) = await RunAsync(engine, new GenerationRequest(Prompt) { MaxOutputTokens = 60 });
        Assert.True(free.Length > 40, free);

        // Take a stop sequence from the middle of the greedy continuation: it spans token boundaries.
        var stop = free.Substring(free.Length / 2, 6);
        var (cut, last) = await RunAsync(engine, new GenerationRequest(Prompt) { MaxOutputTokens = 60, StopSequences = [stop] });

        Assert.Equal(GenerationFinishReason.Stop, last.FinishReason);
        Assert.Equal(free[..free.IndexOf(stop, StringComparison.Ordinal)], cut);
        Assert.True(last.Usage!.OutputTokens < 60);
    }

    [Fact]
    public async Task Seeded_sampling_is_reproducible_and_differs_from_greedy()
    {
        await using var engine = new UrialEngine(new UrialEngineOptions { ModelPath = TestModel.Path });
        var sampled = new SamplingParameters { Temperature = 1f, TopK = 40, TopP = 0.95f, MinP = 0.05f, Seed = 42 };
        var a = await RunAsync(engine, new GenerationRequest("Once upon a time") { MaxOutputTokens = 40, Sampling = sampled });
        var b = await RunAsync(engine, new GenerationRequest("Once upon a time") { MaxOutputTokens = 40, Sampling = sampled });
        var other = await RunAsync(engine, new GenerationRequest("Once upon a time") { MaxOutputTokens = 40, Sampling = sampled with { Seed = 7 } });

        Assert.Equal(a.Text, b.Text);
        Assert.NotEqual(a.Text, other.Text);
    }

    [Fact]
    public async Task A_prompt_longer_than_the_context_gets_a_clear_exception()
    {
        await using var engine = new UrialEngine(new UrialEngineOptions { ModelPath = TestModel.Path, ContextSize = 256 });
        var error = await Assert.ThrowsAsync<UrialContextLengthExceededException>(() => RunAsync(engine, new GenerationRequest(string.Concat(Enumerable.Repeat("Once upon a time. ", 200)))));
        Assert.Contains("ContextSize", error.Message, StringComparison.Ordinal);

        var (text, last) = await RunAsync(engine, new GenerationRequest("Once upon a time") { MaxOutputTokens = 5 });
        Assert.Equal(5, last.Usage!.OutputTokens);
        Assert.NotEmpty(text);
    }
}
