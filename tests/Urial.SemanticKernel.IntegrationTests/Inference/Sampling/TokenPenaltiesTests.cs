using LLama.Native;
using Xunit;

namespace Urial.SemanticKernel;

/// <summary>The managed penalties against llama.cpp's penalties sampler, fed the same history and logits.</summary>
public sealed class TokenPenaltiesTests(ModelFixture model)
{
    public static TheoryData<float, float, float, int, int> Cases() => new()
    {
        // repetition, frequency, presence, window, history length
        { 1.1f, 0f, 0f, 64, 300 },   // the engine's default
        { 1.1f, 0f, 0f, 64, 20 },    // history shorter than the window
        { 1.3f, 0.5f, 0.25f, 16, 300 },
        { 0.8f, -0.4f, 1f, 300, 1000 }, // beyond the stack-counted window
        { 1f, 0.7f, 0f, 64, 300 },
        { 1f, 0f, -1.5f, 1, 50 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Penalized_logits_equal_llama_cpp_penalties_sampler(float repetition, float frequency, float presence, int window, int historyLength)
    {
        _ = model; // loads the native library
        var parameters = new SamplingParameters { RepetitionPenalty = repetition, FrequencyPenalty = frequency, PresencePenalty = presence, PenaltyWindow = window };
        foreach (var seed in new[] { 1, 2, 3 })
        {
            var random = new Random(seed);
            const int Vocabulary = 4000;
            var logits = Enumerable.Range(0, Vocabulary).Select(_ => random.Next(4) == 0 ? 0f : (float)((random.NextDouble() * 40) - 20)).ToArray();

            // Mostly a small set of ids, so that the window holds repeats, plus a few from anywhere.
            var history = Enumerable.Range(0, historyLength).Select(_ => (LLamaToken)(random.Next(3) == 0 ? random.Next(Vocabulary) : random.Next(40))).ToArray();

            using var chain = SafeLLamaSamplerChainHandle.Create(LLamaSamplerChainParams.Default());
            chain.AddPenalties(window, repetition, frequency, presence);
            foreach (var token in history)
            {
                chain.Accept(token);
            }

            var (expected, _) = NativeSamplerOracle.Apply(chain, logits);
            var actual = (float[])logits.Clone();
            Assert.True(TokenPenalties.Applies(parameters));
            TokenPenalties.Apply(actual, history, parameters);

            for (var id = 0; id < Vocabulary; id++)
            {
                Assert.True(expected[id] == actual[id], $"seed {seed}, token {id}: llama.cpp {expected[id]:R}, managed {actual[id]:R} (logit {logits[id]:R})");
            }
        }
    }

    [Theory]
    [InlineData(1f, 0f, 0f, 64)]
    [InlineData(1.1f, 0f, 0f, 0)]
    public void Neutral_parameters_penalize_nothing(float repetition, float frequency, float presence, int window)
    {
        Assert.False(TokenPenalties.Applies(new SamplingParameters { RepetitionPenalty = repetition, FrequencyPenalty = frequency, PresencePenalty = presence, PenaltyWindow = window }));
    }
}
