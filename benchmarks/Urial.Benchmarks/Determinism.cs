using Urial.SemanticKernel;

namespace Urial.Benchmarks;

/// <summary>
/// Section 13: whether greedy answers depend on how they were computed — decoded together vs one after another, and served
/// through the sequence cache vs evaluated afresh (docs/reliability.md, "Determinism"). Counts answers, times nothing.
/// </summary>
internal static class Determinism
{
    private const int Questions = 8;
    private const int OutputTokens = 64;

    /// <param name="engine">An engine without a sequence cache (the benchmark's main engine).</param>
    public static async Task RunAsync(BenchArgs args, UrialEngine engine, Report report, int threads, int contextSize)
    {
        var rounds = Math.Min(args.Reps, 3);
        var alone = await AnswersAsync(engine, concurrent: false);
        for (var round = 1; round <= rounds; round++)
        {
            var together = await AnswersAsync(engine, concurrent: true);
            report.Row("13 determinism", $"(a) round {round}: {Questions} greedy answers decoded together vs one after another", Describe(alone, together));
        }

        // A second engine that keeps finished conversations: later questions fork the cached sequence of earlier ones.
        await using var cached = new UrialEngine(new UrialEngineOptions
        {
            ModelPath = args.ModelPath, CachedPrefix = UrialPrompt.Default.Text, ContextSize = contextSize, Threads = threads, PrefixCacheSequences = 8,
        });
        await cached.WarmUpAsync();
        for (var round = 1; round <= rounds; round++)
        {
            var fromCache = await AnswersAsync(cached, concurrent: false);
            report.Row("13 determinism", $"(b) round {round}: one after another, with the sequence cache vs without", Describe(alone, fromCache));
        }
    }

    private static async Task<string[]> AnswersAsync(UrialEngine engine, bool concurrent)
    {
        async Task<string> OneAsync(int i)
        {
            var text = new System.Text.StringBuilder();
            await foreach (var update in engine.GenerateAsync(new GenerationRequest(Work.SingleTurn(i)) { MaxOutputTokens = OutputTokens, Sampling = Work.Greedy }))
            {
                text.Append(update.Text);
            }

            return text.ToString();
        }

        if (concurrent)
        {
            return await Task.WhenAll(Enumerable.Range(0, Questions).Select(OneAsync));
        }

        var answers = new string[Questions];
        for (var i = 0; i < Questions; i++)
        {
            answers[i] = await OneAsync(i);
        }

        return answers;
    }

    /// <summary>"k of n differ (after c1, c2 … characters)": where each differing pair first diverges.</summary>
    private static string Describe(string[] expected, string[] actual)
    {
        var divergences = expected.Zip(actual)
            .Where(pair => pair.First != pair.Second)
            .Select(pair => pair.First.AsSpan().CommonPrefixLength(pair.Second))
            .ToList();
        return divergences.Count == 0
            ? $"0 of {expected.Length} differ"
            : $"{divergences.Count} of {expected.Length} differ (after {string.Join(", ", divergences)} characters)";
    }
}
