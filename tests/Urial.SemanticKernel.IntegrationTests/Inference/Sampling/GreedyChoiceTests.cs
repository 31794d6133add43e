using LLama.Native;
using Xunit;

namespace Urial.SemanticKernel;

/// <summary>The managed greedy choice against llama.cpp's greedy sampler on the same logits.</summary>
public sealed class GreedyChoiceTests(ModelFixture model)
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(17)]
    [InlineData(512)]
    [InlineData(4001)]
    [InlineData(32000)]
    public void Picks_the_token_llama_cpp_greedy_sampler_picks(int vocabulary)
    {
        _ = model; // loads the native library
        for (var seed = 0; seed < 20; seed++)
        {
            var random = new Random(seed);

            // Few distinct values, so that the maximum is often tied; signed zeros among them.
            float[] values = [-3f, -0f, 0f, 1.5f, 2.25f, float.NegativeInfinity];
            var logits = Enumerable.Range(0, vocabulary).Select(_ => values[random.Next(values.Length)]).ToArray();
            Assert.Equal(Native(logits), (int)GreedyChoice.Pick(logits));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(100)]
    public void NaN_logits_are_handled_as_llama_cpp_does(int nanAt)
    {
        _ = model;
        var logits = Enumerable.Range(0, 200).Select(i => (float)Math.Sin(i)).ToArray();
        logits[nanAt] = float.NaN;
        Assert.Equal(Native(logits), (int)GreedyChoice.Pick(logits));
    }

    private static int Native(float[] logits)
    {
        using var chain = SafeLLamaSamplerChainHandle.Create(LLamaSamplerChainParams.Default());
        chain.AddGreedySampler();
        return NativeSamplerOracle.Apply(chain, logits).Selected;
    }
}
