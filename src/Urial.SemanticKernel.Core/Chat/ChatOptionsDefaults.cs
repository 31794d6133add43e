using Microsoft.Extensions.AI;

namespace Urial.SemanticKernel;

/// <summary>Fills the sampling values a request left unset from the configured defaults (<see cref="UrialOptions"/>).</summary>
/// <remarks>Used through <c>ChatClientBuilder.ConfigureOptions</c>, which hands over a clone, so the caller's options are never changed.</remarks>
internal static class ChatOptionsDefaults
{
    public static void Apply(ChatOptions options, UrialOptions defaults)
    {
        options.Temperature ??= defaults.Temperature;
        options.TopP ??= defaults.TopP;
        options.TopK ??= defaults.TopK;
        options.FrequencyPenalty ??= defaults.FrequencyPenalty;
        options.PresencePenalty ??= defaults.PresencePenalty;
        options.Seed ??= defaults.Seed;
        AddIfMissing(options, ChatOptionsTranslator.RepeatPenaltyKey, defaults.RepeatPenalty);
        AddIfMissing(options, ChatOptionsTranslator.MinPKey, defaults.MinP);
        AddIfMissing(options, ChatOptionsTranslator.PenaltyWindowKey, defaults.PenaltyWindow);
        if (defaults.ContextOverflow != UrialContextOverflow.Error)
        {
            AddIfMissing(options, UrialChatClient.ContextOverflowKey, defaults.ContextOverflow);
        }
    }

    private static void AddIfMissing(ChatOptions options, string key, double? value) => AddIfMissing(options, key, (object?)value);

    private static void AddIfMissing(ChatOptions options, string key, object? value)
    {
        if (value is null || options.AdditionalProperties?.ContainsKey(key) == true)
        {
            return;
        }

        // A fresh dictionary: the clone may still share the caller's.
        options.AdditionalProperties = options.AdditionalProperties is null ? [] : new AdditionalPropertiesDictionary(options.AdditionalProperties);
        options.AdditionalProperties[key] = value;
    }
}
