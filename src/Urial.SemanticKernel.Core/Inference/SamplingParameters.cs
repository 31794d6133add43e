namespace Urial.SemanticKernel;

/// <summary>How the next token is chosen from the model's distribution.</summary>
/// <remarks>A temperature of 0 (the default) picks the most likely token (greedy decoding); the other filters then only matter through the penalties.</remarks>
public sealed record SamplingParameters
{
    /// <summary>Gets the URIAL paper's decoding: greedy with a repetition penalty of 1.1.</summary>
    public static SamplingParameters Default { get; } = new();

    /// <summary>Gets the softmax temperature.</summary>
    /// <value>0 (greedy) by default; valid range [0, 2].</value>
    public float Temperature { get; init; }

    /// <summary>Gets the nucleus (top-p) threshold.</summary>
    /// <value>1 (off) by default; valid range (0, 1].</value>
    public float TopP { get; init; } = 1f;

    /// <summary>Gets how many of the most likely tokens are kept.</summary>
    /// <value>0 (off) by default; must not be negative.</value>
    public int TopK { get; init; }

    /// <summary>Gets the min-p threshold relative to the most likely token.</summary>
    /// <value>0 (off) by default; valid range [0, 1].</value>
    public float MinP { get; init; }

    /// <summary>Gets the multiplicative repetition penalty over the last <see cref="PenaltyWindow"/> tokens.</summary>
    /// <value>1.1 by default (the URIAL paper's); 1 is off; valid range (0, 10].</value>
    public float RepetitionPenalty { get; init; } = 1.1f;

    /// <summary>Gets the OpenAI-style frequency penalty.</summary>
    /// <value>0 by default; valid range [-2, 2].</value>
    public float FrequencyPenalty { get; init; }

    /// <summary>Gets the OpenAI-style presence penalty.</summary>
    /// <value>0 by default; valid range [-2, 2].</value>
    public float PresencePenalty { get; init; }

    /// <summary>Gets how many recent tokens the penalties consider.</summary>
    /// <value>64 by default; valid range [0, 4096].</value>
    public int PenaltyWindow { get; init; } = 64;

    /// <summary>Gets the random seed; with a fixed seed, sampling is reproducible.</summary>
    /// <value><see langword="null"/> (a random seed per request) by default.</value>
    public long? Seed { get; init; }

    /// <summary>Gets additive biases of token logits, by token id (OpenAI's <c>logit_bias</c>), applied before any grammar and sampler.</summary>
    /// <value>
    /// <see langword="null"/> (no bias) by default. Each bias is in [-100, 100]; at most 1,024 entries. Token ids must be in the
    /// model's vocabulary (the engine checks them before any native call).
    /// </value>
    public IReadOnlyDictionary<int, float>? LogitBias { get; init; }

    /// <summary>The most entries <see cref="LogitBias"/> may have.</summary>
    internal const int MaxLogitBiasEntries = 1024;

    /// <summary>Gets a value indicating whether decoding is greedy.</summary>
    public bool IsGreedy => Temperature == 0f;

    /// <summary>Checks every value against its valid range.</summary>
    /// <exception cref="ArgumentException">A value is out of range; the message names it and its valid range.</exception>
    public void Validate()
    {
        Check(Temperature is >= 0f and <= 2f, nameof(Temperature), Temperature, "[0, 2] (0 = greedy)");
        Check(TopP is > 0f and <= 1f, nameof(TopP), TopP, "(0, 1]");
        Check(TopK >= 0, nameof(TopK), TopK, "0 (off) or more");
        Check(MinP is >= 0f and <= 1f, nameof(MinP), MinP, "[0, 1]");
        Check(RepetitionPenalty is > 0f and <= 10f, nameof(RepetitionPenalty), RepetitionPenalty, "(0, 10] (1 = off)");
        Check(FrequencyPenalty is >= -2f and <= 2f, nameof(FrequencyPenalty), FrequencyPenalty, "[-2, 2]");
        Check(PresencePenalty is >= -2f and <= 2f, nameof(PresencePenalty), PresencePenalty, "[-2, 2]");
        Check(PenaltyWindow is >= 0 and <= 4096, nameof(PenaltyWindow), PenaltyWindow, "[0, 4096]");
        Check(Seed is null or (>= 0 and <= uint.MaxValue), nameof(Seed), Seed ?? 0, $"[0, {uint.MaxValue}]");
        if (LogitBias is { } bias)
        {
            Check(bias.Count <= MaxLogitBiasEntries, nameof(LogitBias), bias.Count + " entries", $"at most {MaxLogitBiasEntries} entries");
            foreach (var (token, value) in bias)
            {
                Check(token >= 0, nameof(LogitBias), $"token id {token}", "token ids of 0 or more");
                Check(value is >= -100f and <= 100f, nameof(LogitBias), $"{value} for token {token}", "[-100, 100]");
            }
        }
    }

    private static void Check(bool valid, string name, object value, string range)
    {
        // float.NaN fails every range pattern above, so NaN is rejected too.
        if (!valid)
        {
            throw new ArgumentException($"Sampling parameter {name} is {value}, outside its valid range {range}.", name);
        }
    }
}
