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
    public static LLamaToken Next(EngineRequest request, SafeLLamaContextHandle context, Utf8TokenTable utf8)
    {
        var sequence = request.Conversation!;
        var penalized = TokenPenalties.Applies(request.Sampling);
        var greedy = request.Sampling.IsGreedy && !request.Constrained;
        var logits = context.GetLogitsIth(sequence.GetSampleIndex());
        if (request.Constrained)
        {
            // Before the grammar: llama.cpp's grammar would accept byte sequences no UTF-8 decoder reads as its characters.
            utf8.Mask(logits, request.Utf8State);
        }

        if (!penalized && !greedy)
        {
            return sequence.Sample(request.Sampler!);
        }

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
