using System.Runtime.InteropServices;
using LLama.Batched;
using LLama.Native;

namespace Urial.SemanticKernel;

/// <summary>
/// Samples a running request's next token: penalties and greedy choice in managed code over the stream's logits,
/// the native chain only for what needs it (a grammar, or a temperature with its truncations and seeded draw).
/// </summary>
/// <remarks>Used only from the engine loop, between a decode and the next (the next decode overwrites the logits).</remarks>
internal static class TokenSampler
{
    public static LLamaToken Next(EngineRequest request, SafeLLamaContextHandle context)
    {
        var sequence = request.Conversation!;
        var penalized = TokenPenalties.Applies(request.Sampling);
        var greedy = request.Sampling.IsGreedy && !request.Constrained;
        if (!penalized && !greedy)
        {
            return sequence.Sample(request.Sampler!);
        }

        var logits = context.GetLogitsIth(sequence.GetSampleIndex());
        if (penalized)
        {
            TokenPenalties.Apply(logits, CollectionsMarshal.AsSpan(request.Tokens), request.Sampling);
        }

        if (!greedy)
        {
            // The native chain reads the same logits buffer, so it samples from the penalized values (and adds the bias itself).
            return sequence.Sample(request.Sampler!);
        }

        if (request.Sampling.LogitBias is { Count: > 0 } bias)
        {
            // Where llama.cpp's chain would add it: after the penalties. Ids were checked against the vocabulary at submission.
            foreach (var (token, value) in bias)
            {
                logits[token] += value;
            }
        }

        return GreedyChoice.Pick(logits);
    }
}
