using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.SemanticKernel;

namespace Urial.SemanticKernel;

/// <summary>Semantic Kernel execution settings for the Urial connector.</summary>
/// <remarks>
/// The standard knobs use the JSON names Semantic Kernel maps onto <c>ChatOptions</c> (<c>temperature</c>,
/// <c>top_p</c>, <c>max_tokens</c>…); the llama-only knobs (<c>repeat_penalty</c>, <c>min_p</c>,
/// <c>penalty_window</c>) reach the chat client through <c>ChatOptions.AdditionalProperties</c>. Every setting
/// left <see langword="null"/> keeps the URIAL default: greedy decoding with a repetition penalty of 1.1.
/// </remarks>
[JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
public sealed class UrialPromptExecutionSettings : PromptExecutionSettings
{
    private float? _temperature;
    private float? _topP;
    private int? _topK;
    private float? _minP;
    private float? _repeatPenalty;
    private int? _penaltyWindow;
    private float? _frequencyPenalty;
    private float? _presencePenalty;
    private long? _seed;
    private int? _maxTokens;
    private IList<string>? _stopSequences;

    /// <summary>Gets or sets the softmax temperature; 0 is greedy.</summary>
    /// <value><see langword="null"/>: greedy. Valid range [0, 2].</value>
    [JsonPropertyName("temperature")]
    public float? Temperature { get => _temperature; set => Set(ref _temperature, value); }

    /// <summary>Gets or sets the nucleus (top-p) threshold.</summary>
    /// <value><see langword="null"/>: off. Valid range (0, 1].</value>
    [JsonPropertyName("top_p")]
    public float? TopP { get => _topP; set => Set(ref _topP, value); }

    /// <summary>Gets or sets how many of the most likely tokens are kept.</summary>
    /// <value><see langword="null"/>: off.</value>
    [JsonPropertyName("top_k")]
    public int? TopK { get => _topK; set => Set(ref _topK, value); }

    /// <summary>Gets or sets the min-p threshold relative to the most likely token.</summary>
    /// <value><see langword="null"/>: off. Valid range [0, 1].</value>
    [JsonPropertyName("min_p")]
    public float? MinP { get => _minP; set => Set(ref _minP, value); }

    /// <summary>Gets or sets the multiplicative repetition penalty.</summary>
    /// <value><see langword="null"/>: 1.1, the URIAL paper's. 1 turns it off.</value>
    [JsonPropertyName("repeat_penalty")]
    public float? RepeatPenalty { get => _repeatPenalty; set => Set(ref _repeatPenalty, value); }

    /// <summary>Gets or sets how many recent tokens the penalties consider.</summary>
    /// <value><see langword="null"/>: 64.</value>
    [JsonPropertyName("penalty_window")]
    public int? PenaltyWindow { get => _penaltyWindow; set => Set(ref _penaltyWindow, value); }

    /// <summary>Gets or sets the frequency penalty.</summary>
    /// <value><see langword="null"/>: 0. Valid range [-2, 2].</value>
    [JsonPropertyName("frequency_penalty")]
    public float? FrequencyPenalty { get => _frequencyPenalty; set => Set(ref _frequencyPenalty, value); }

    /// <summary>Gets or sets the presence penalty.</summary>
    /// <value><see langword="null"/>: 0. Valid range [-2, 2].</value>
    [JsonPropertyName("presence_penalty")]
    public float? PresencePenalty { get => _presencePenalty; set => Set(ref _presencePenalty, value); }

    /// <summary>Gets or sets the random seed, for reproducible sampling.</summary>
    /// <value><see langword="null"/>: random.</value>
    [JsonPropertyName("seed")]
    public long? Seed { get => _seed; set => Set(ref _seed, value); }

    /// <summary>Gets or sets the most tokens to generate.</summary>
    /// <value><see langword="null"/>: the engine's default, capped by the room left in the context.</value>
    [JsonPropertyName("max_tokens")]
    public int? MaxTokens { get => _maxTokens; set => Set(ref _maxTokens, value); }

    /// <summary>Gets or sets extra sequences that end the answer.</summary>
    /// <value><see langword="null"/>: only the URIAL turn boundaries.</value>
    [JsonPropertyName("stop_sequences")]
    public IList<string>? StopSequences { get => _stopSequences; set => Set(ref _stopSequences, value); }

    /// <summary>Converts any settings to <see cref="UrialPromptExecutionSettings"/>.</summary>
    /// <param name="executionSettings">The settings, or <see langword="null"/>.</param>
    /// <returns>New default settings for <see langword="null"/>, the same instance for this type, otherwise a JSON round trip that keeps the function-choice behavior.</returns>
    public static UrialPromptExecutionSettings FromExecutionSettings(PromptExecutionSettings? executionSettings)
    {
        switch (executionSettings)
        {
            case null:
                return new UrialPromptExecutionSettings();
            case UrialPromptExecutionSettings settings:
                return settings;
        }

        var json = JsonSerializer.Serialize(executionSettings);
        var converted = JsonSerializer.Deserialize<UrialPromptExecutionSettings>(json)!;
        converted.FunctionChoiceBehavior = executionSettings.FunctionChoiceBehavior;
        return converted;
    }

    /// <inheritdoc/>
    public override PromptExecutionSettings Clone() => new UrialPromptExecutionSettings
    {
        ModelId = ModelId,
        ServiceId = ServiceId,
        ExtensionData = ExtensionData is null ? null : new Dictionary<string, object>(ExtensionData),
        FunctionChoiceBehavior = FunctionChoiceBehavior,
        Temperature = Temperature,
        TopP = TopP,
        TopK = TopK,
        MinP = MinP,
        RepeatPenalty = RepeatPenalty,
        PenaltyWindow = PenaltyWindow,
        FrequencyPenalty = FrequencyPenalty,
        PresencePenalty = PresencePenalty,
        Seed = Seed,
        MaxTokens = MaxTokens,
        StopSequences = StopSequences is null ? null : [.. StopSequences],
    };

    /// <inheritdoc/>
    public override void Freeze()
    {
        if (IsFrozen)
        {
            return;
        }

        base.Freeze();
        if (_stopSequences is not null)
        {
            _stopSequences = _stopSequences.ToList().AsReadOnly();
        }
    }

    private void Set<T>(ref T field, T value)
    {
        ThrowIfFrozen();
        field = value;
    }
}
