using LLama.Native;

namespace Urial.SemanticKernel;

/// <summary>Builds the native sampler chain of one request from its <see cref="SamplingParameters"/>.</summary>
internal static class SamplerChain
{
    /// <summary>Creates a chain; the caller owns and disposes it, on the engine loop.</summary>
    /// <remarks>
    /// Penalties are not part of the chain: <see cref="TokenPenalties"/> applies them to the logits before the chain
    /// samples (same arithmetic, a window's worth of work instead of a lookup per vocabulary token), so the chain sees
    /// penalized logits first, then the grammar, as llama.cpp's own order would have it.
    /// </remarks>
    /// <param name="parameters">Validated sampling parameters.</param>
    /// <param name="vocabulary">The model's vocabulary, for the grammar.</param>
    /// <param name="gbnf">A grammar already validated natively, or <see langword="null"/>.</param>
    /// <param name="root">The grammar's root rule.</param>
    public static SafeLLamaSamplerChainHandle Create(SamplingParameters parameters, SafeLlamaModelHandle.Vocabulary vocabulary, string? gbnf = null, string root = "root")
    {
        var chain = SafeLLamaSamplerChainHandle.Create(LLamaSamplerChainParams.Default());
        if (parameters.LogitBias is { Count: > 0 } bias)
        {
            // Token ids were checked against the vocabulary when the request was submitted: llama.cpp indexes with them unchecked.
            var biases = bias.Select(b => new LLamaLogitBias { Token = (LLamaToken)b.Key, Bias = b.Value }).ToArray();
            chain.AddLogitBias(vocabulary.Count, biases);
        }

        if (gbnf is not null)
        {
            chain.AddGrammar(vocabulary, gbnf, root);
        }

        if (parameters.IsGreedy)
        {
            chain.AddGreedySampler();
        }
        else
        {
            if (parameters.TopK > 0)
            {
                chain.AddTopK(parameters.TopK);
            }

            if (parameters.TopP < 1f)
            {
                chain.AddTopP(parameters.TopP, 1);
            }

            if (parameters.MinP > 0f)
            {
                chain.AddMinP(parameters.MinP, 1);
            }

            chain.AddTemperature(parameters.Temperature);
            chain.AddDistributionSampler((uint)(parameters.Seed ?? Random.Shared.NextInt64(0, uint.MaxValue)));
        }

        return chain;
    }
}
