using LLama.Native;

namespace Urial.SemanticKernel;

/// <summary>Builds the native sampler chain of one request from its <see cref="SamplingParameters"/>.</summary>
internal static class SamplerChain
{
    /// <summary>Creates a chain; the caller owns and disposes it, on the engine loop.</summary>
    /// <param name="parameters">Validated sampling parameters.</param>
    /// <param name="promptTail">The last prompt tokens, fed to the penalties so that repeating the prompt is penalized as in the reference implementation.</param>
    /// <param name="vocabulary">The model's vocabulary, for the grammar.</param>
    /// <param name="gbnf">A grammar already validated natively, or <see langword="null"/>.</param>
    /// <param name="root">The grammar's root rule.</param>
    public static SafeLLamaSamplerChainHandle Create(
        SamplingParameters parameters, ReadOnlySpan<LLamaToken> promptTail, SafeLlamaModelHandle.Vocabulary vocabulary, string? gbnf = null, string root = "root")
    {
        var chain = SafeLLamaSamplerChainHandle.Create(LLamaSamplerChainParams.Default());
        var penalized = parameters.PenaltyWindow > 0
            && (parameters.RepetitionPenalty != 1f || parameters.FrequencyPenalty != 0f || parameters.PresencePenalty != 0f);
        if (penalized)
        {
            chain.AddPenalties(parameters.PenaltyWindow, parameters.RepetitionPenalty, parameters.FrequencyPenalty, parameters.PresencePenalty);

            // Accepted before the grammar joins the chain: the grammar must only ever see generated tokens.
            foreach (var token in promptTail[Math.Max(0, promptTail.Length - parameters.PenaltyWindow)..])
            {
                chain.Accept(token);
            }
        }

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
