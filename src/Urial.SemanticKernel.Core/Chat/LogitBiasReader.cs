using System.Collections;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Urial.SemanticKernel;

/// <summary>Reads OpenAI-style <c>logit_bias</c> from <see cref="ChatOptions.AdditionalProperties"/>: token id → bias, in any shape a caller or Semantic Kernel delivers.</summary>
internal static class LogitBiasReader
{
    /// <summary>Returns the biases, or null when the key is absent.</summary>
    /// <exception cref="ArgumentException">The value is not a map of token ids to numbers.</exception>
    public static IReadOnlyDictionary<int, float>? Read(ChatOptions options, string key)
    {
        if (options.AdditionalProperties is null || !options.AdditionalProperties.TryGetValue(key, out var value) || value is null)
        {
            return null;
        }

        var pairs = value switch
        {
            JsonElement { ValueKind: JsonValueKind.Object } json => json.EnumerateObject().Select(p => ((object?)p.Name, (object?)p.Value)),
            IDictionary dictionary => dictionary.Keys.Cast<object>().Select(k => ((object?)k, dictionary[k])),
            _ => throw Invalid(key, value),
        };
        var result = new Dictionary<int, float>();
        foreach (var (token, bias) in pairs.Take(SamplingParameters.MaxLogitBiasEntries + 1))
        {
            result[Token(token) ?? throw Invalid(key, value)] = Bias(bias) ?? throw Invalid(key, value);
        }

        return result;
    }

    private static int? Token(object? token) => token switch
    {
        int i => i,
        long l when l is >= 0 and <= int.MaxValue => (int)l,
        string s when int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => null,
    };

    private static float? Bias(object? bias) => bias switch
    {
        float f => f,
        double d => (float)d,
        int i => i,
        long l => l,
        decimal m => (float)m,
        JsonElement { ValueKind: JsonValueKind.Number } e => e.GetSingle(),
        string s when float.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => null,
    };

    private static ArgumentException Invalid(string key, object value) =>
        new($"ChatOptions.AdditionalProperties[\"{key}\"] must map token ids to biases in [-100, 100] (e.g. {{\"42\": -100}}), but was '{value}'.");
}
