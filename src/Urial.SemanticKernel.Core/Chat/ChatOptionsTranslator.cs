using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Urial.SemanticKernel;

/// <summary>Translates <see cref="ChatOptions"/> into the engine's sampling knobs; unknown knobs are left alone, invalid ones rejected.</summary>
internal static class ChatOptionsTranslator
{
    /// <summary>The <see cref="ChatOptions.AdditionalProperties"/> key of the repetition penalty (llama.cpp's name).</summary>
    public const string RepeatPenaltyKey = "repeat_penalty";

    /// <summary>The <see cref="ChatOptions.AdditionalProperties"/> key of min-p.</summary>
    public const string MinPKey = "min_p";

    /// <summary>The <see cref="ChatOptions.AdditionalProperties"/> key of the penalty window.</summary>
    public const string PenaltyWindowKey = "penalty_window";

    /// <summary>The <see cref="ChatOptions.AdditionalProperties"/> key bounding every JSON string of a structured answer.</summary>
    public const string JsonMaxStringLengthKey = "json_max_string_length";

    /// <summary>The <see cref="ChatOptions.AdditionalProperties"/> key bounding every JSON array of a structured answer.</summary>
    public const string JsonMaxItemsKey = "json_max_items";

    /// <summary>The <see cref="ChatOptions.AdditionalProperties"/> key of OpenAI-style logit biases: token id (number or numeric text) → bias in [-100, 100].</summary>
    public const string LogitBiasKey = "logit_bias";

    /// <summary>Translates a rendered prompt and the options into an engine request and the plan of its grammar.</summary>
    /// <param name="prompt">The rendered prompt.</param>
    /// <param name="options">The caller's options, or <see langword="null"/>.</param>
    /// <param name="promptStopSequences">The prompt format's turn markers.</param>
    /// <param name="tools">The tools offered, or <see langword="null"/>.</param>
    /// <param name="conversationKey">The conversation's routing key for engines with several replicas, or <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">An option is invalid, a schema cannot be turned into a grammar, or the output budget is too small; the message says what to fix.</exception>
    public static (GenerationRequest Request, ChatGrammarPlan Plan) ToRequest(string prompt, ChatOptions? options, IEnumerable<string> promptStopSequences, PromptTools? tools = null, string? conversationKey = null)
    {
        var sampling = SamplingParameters.Default;
        if (options is not null)
        {
            sampling = sampling with
            {
                Temperature = options.Temperature ?? sampling.Temperature,
                TopP = options.TopP ?? sampling.TopP,
                TopK = options.TopK ?? sampling.TopK,
                FrequencyPenalty = options.FrequencyPenalty ?? sampling.FrequencyPenalty,
                PresencePenalty = options.PresencePenalty ?? sampling.PresencePenalty,
                Seed = options.Seed ?? sampling.Seed,
                RepetitionPenalty = (float?)Number(options, RepeatPenaltyKey) ?? sampling.RepetitionPenalty,
                MinP = (float?)Number(options, MinPKey) ?? sampling.MinP,
                PenaltyWindow = (int?)Number(options, PenaltyWindowKey) ?? sampling.PenaltyWindow,
                LogitBias = LogitBiasReader.Read(options, LogitBiasKey),
            };
        }

        var plan = options is null ? ChatGrammarPlan.FreeText : ChatGrammar.Plan(tools, options, JsonLimits(options));
        var request = new GenerationRequest(prompt)
        {
            Sampling = sampling,
            MaxOutputTokens = plan.Grammar is null ? options?.MaxOutputTokens : plan.Budget,
            StopSequences = [.. promptStopSequences, .. options?.StopSequences ?? [], .. plan.StopSequences],
            Grammar = plan.Grammar,
            ConversationKey = conversationKey,
        };
        try
        {
            request.Validate();
        }
        catch (ArgumentException ex) when (ex.ParamName is { } name && s_chatOptionNames.TryGetValue(name, out var option))
        {
            // The engine names its own parameter; the caller set a ChatOptions member or key.
            throw new ArgumentException($"{ex.Message} Fix {option}.", nameof(options), ex);
        }

        return (request, plan);
    }

    /// <summary>Where each engine parameter comes from in <see cref="ChatOptions"/>, for error messages.</summary>
    private static readonly Dictionary<string, string> s_chatOptionNames = new(StringComparer.Ordinal)
    {
        [nameof(SamplingParameters.Temperature)] = "ChatOptions.Temperature",
        [nameof(SamplingParameters.TopP)] = "ChatOptions.TopP",
        [nameof(SamplingParameters.TopK)] = "ChatOptions.TopK",
        [nameof(SamplingParameters.FrequencyPenalty)] = "ChatOptions.FrequencyPenalty",
        [nameof(SamplingParameters.PresencePenalty)] = "ChatOptions.PresencePenalty",
        [nameof(SamplingParameters.Seed)] = "ChatOptions.Seed",
        [nameof(SamplingParameters.RepetitionPenalty)] = $"ChatOptions.AdditionalProperties[\"{RepeatPenaltyKey}\"]",
        [nameof(SamplingParameters.MinP)] = $"ChatOptions.AdditionalProperties[\"{MinPKey}\"]",
        [nameof(SamplingParameters.PenaltyWindow)] = $"ChatOptions.AdditionalProperties[\"{PenaltyWindowKey}\"]",
        [nameof(SamplingParameters.LogitBias)] = $"ChatOptions.AdditionalProperties[\"{LogitBiasKey}\"]",
        [nameof(GenerationRequest.MaxOutputTokens)] = "ChatOptions.MaxOutputTokens",
        [nameof(GenerationRequest.StopSequences)] = "ChatOptions.StopSequences",
    };

    /// <summary>The bounds of generated JSON: every repetition is bounded so that generation always ends; a small output budget wants small bounds.</summary>
    private static JsonGrammarLimits JsonLimits(ChatOptions options)
    {
        var limits = JsonGrammarLimits.Default with
        {
            MaxStringLength = (int?)Number(options, JsonMaxStringLengthKey) ?? JsonGrammarLimits.Default.MaxStringLength,
            MaxArrayItems = (int?)Number(options, JsonMaxItemsKey) ?? JsonGrammarLimits.Default.MaxArrayItems,
        };
        try
        {
            limits.Validate();
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"Invalid {JsonMaxStringLengthKey} or {JsonMaxItemsKey}: {ex.Message}", nameof(options), ex);
        }

        return limits;
    }

    /// <summary>Reads a numeric knob as Semantic Kernel delivers it (a <see cref="double"/>), or as JSON or text.</summary>
    private static double? Number(ChatOptions options, string key)
    {
        if (options.AdditionalProperties is null || !options.AdditionalProperties.TryGetValue(key, out var value) || value is null)
        {
            return null;
        }

        return value switch
        {
            double d => d,
            float f => f,
            int i => i,
            long l => l,
            decimal m => (double)m,
            JsonElement { ValueKind: JsonValueKind.Number } e => e.GetDouble(),
            string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
            JsonElement { ValueKind: JsonValueKind.String } e when double.TryParse(e.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => throw new ArgumentException($"ChatOptions.AdditionalProperties[\"{key}\"] must be a number, but was '{value}'.", nameof(options)),
        };
    }
}
