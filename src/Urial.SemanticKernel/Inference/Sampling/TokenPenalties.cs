using System.Buffers;
using LLama.Native;

namespace Urial.SemanticKernel;

/// <summary>
/// The repetition, frequency and presence penalties, applied to one stream's logits in place with exactly the
/// arithmetic of llama.cpp's penalties sampler, but touching only the tokens of the penalty window.
/// </summary>
/// <remarks>
/// llama.cpp's sampler looks every token of the vocabulary up in a hash map of the window's counts (32,000
/// lookups per sampled token with a Llama vocabulary, measured ~0.2 ms per call: more than the rest of greedy
/// sampling); the window holds at most <see cref="SamplingParameters.PenaltyWindow"/> tokens. Used only from the engine loop.
/// </remarks>
internal static class TokenPenalties
{
    /// <summary>Windows up to this many tokens are counted on the stack.</summary>
    private const int StackWindow = 256;

    /// <summary>Gets a value indicating whether <paramref name="parameters"/> penalize anything (the condition under which llama.cpp's sampler acts).</summary>
    public static bool Applies(SamplingParameters parameters) =>
        parameters.PenaltyWindow > 0
        && (parameters.RepetitionPenalty != 1f || parameters.FrequencyPenalty != 0f || parameters.PresencePenalty != 0f);

    /// <summary>Penalizes every token that occurs in the last <see cref="SamplingParameters.PenaltyWindow"/> tokens of <paramref name="history"/>.</summary>
    /// <param name="logits">One stream's logits, indexed by token id; modified in place.</param>
    /// <param name="history">The stream's tokens so far (prompt, then generated): what llama.cpp's sampler would have accepted.</param>
    /// <param name="parameters">Validated sampling parameters.</param>
    public static void Apply(Span<float> logits, ReadOnlySpan<LLamaToken> history, SamplingParameters parameters)
    {
        var window = history[Math.Max(0, history.Length - parameters.PenaltyWindow)..];
        int[]? rented = null;
        var ids = window.Length <= StackWindow ? stackalloc int[window.Length] : (rented = ArrayPool<int>.Shared.Rent(window.Length)).AsSpan(0, window.Length);
        try
        {
            for (var i = 0; i < window.Length; i++)
            {
                ids[i] = (int)window[i];
            }

            ids.Sort();
            for (var start = 0; start < ids.Length;)
            {
                var id = ids[start];
                var end = start + 1;
                while (end < ids.Length && ids[end] == id)
                {
                    end++;
                }

                if ((uint)id < (uint)logits.Length)
                {
                    Penalize(ref logits[id], end - start, parameters);
                }

                start = end;
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<int>.Shared.Return(rented);
            }
        }
    }

    /// <summary>llama.cpp's rule: divide a positive logit by the repetition penalty and multiply a non-positive one (so that the penalty always lowers it), then subtract the frequency and presence terms.</summary>
    private static void Penalize(ref float logit, int count, SamplingParameters parameters)
    {
        if (logit <= 0)
        {
            logit *= parameters.RepetitionPenalty;
        }
        else
        {
            logit /= parameters.RepetitionPenalty;
        }

        logit -= (count * parameters.FrequencyPenalty) + parameters.PresencePenalty;
    }
}
