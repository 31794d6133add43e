using System.Diagnostics;
using Microsoft.Extensions.AI;
using Urial.SemanticKernel;

namespace Urial.Benchmarks;

/// <summary>The work every section measures: the questions, their URIAL prompts, and timed requests to an engine.</summary>
internal static class Work
{
    /// <summary>Greedy, no repetition penalty: the same sampler chain as the raw loop's and the peer's.</summary>
    public static readonly SamplingParameters Greedy = new() { RepetitionPenalty = 1f };

    private static readonly string[] s_questions =
    [
        "What is the capital of France?",
        "Can you explain how a rainbow forms?",
        "Write a short poem about the sea.",
        "How do I boil an egg?",
        "Why is the sky blue?",
        "Give me three tips for better sleep.",
        "What is a prime number?",
        "Tell me a fun fact about cats.",
    ];

    public static string Question(int i) => s_questions[i % s_questions.Length] + (i >= s_questions.Length ? $" ({i})" : string.Empty);

    /// <summary>A question whose text differs from every other's from its first word on (a numbered stem), so that no cached conversation of another shares more than the turn's header with it.</summary>
    public static string UniqueQuestion(int i) => $"[{i}] {s_questions[i % s_questions.Length]}";

    /// <summary>The URIAL prompt of a one-question conversation.</summary>
    public static string SingleTurn(int i) => UrialPrompt.Default.Render([new ChatMessage(ChatRole.User, Question(i))]);

    /// <summary>Seconds until the engine delivers its first update for a one-token request (the update that carries that token).</summary>
    public static async Task<double> FirstTokenAsync(UrialEngine engine, string prompt)
    {
        var started = Stopwatch.GetTimestamp();
        var first = 0.0;
        await foreach (var update in engine.GenerateAsync(new GenerationRequest(prompt) { MaxOutputTokens = 1, Sampling = Greedy }))
        {
            if (first == 0.0)
            {
                first = Stopwatch.GetElapsedTime(started).TotalSeconds;
            }
        }

        return first;
    }

    /// <summary>Runs <paramref name="count"/> single-turn requests (bare questions if <paramref name="bare"/>) together or one after another.</summary>
    /// <returns>The output tokens of all requests and the seconds they took.</returns>
    public static async Task<(int Tokens, double Seconds)> RunAsync(UrialEngine engine, int count, int outputTokens, bool concurrent, bool bare = false, int first = 0)
    {
        async Task<int> OneAsync(int i)
        {
            var tokens = 0;
            await foreach (var update in engine.GenerateAsync(new GenerationRequest(bare ? Question(first + i) : SingleTurn(first + i)) { MaxOutputTokens = outputTokens, Sampling = Greedy }))
            {
                tokens = update.Usage?.OutputTokens ?? tokens;
            }

            return tokens;
        }

        var started = Stopwatch.GetTimestamp();
        var total = 0;
        if (concurrent)
        {
            total = (await Task.WhenAll(Enumerable.Range(0, count).Select(OneAsync))).Sum();
        }
        else
        {
            for (var i = 0; i < count; i++)
            {
                total += await OneAsync(i);
            }
        }

        return (total, Stopwatch.GetElapsedTime(started).TotalSeconds);
    }
}
