using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Urial.SemanticKernel;

/// <summary>Writes the tools part of a prompt: a constant demonstration of the call format, then the request's tool list.</summary>
/// <remarks>
/// Both are turns in the prompt's own format, rendered after the constant URIAL text. The demonstration is the
/// same for every request, so together with the constant text it forms a prefix an engine can share; the tool
/// list, which changes per request, comes after it, headed <c># Tools:</c>.
/// </remarks>
internal static class ToolSection
{
    private const string DemoCallId = "example-1";
    private const string DemoFunction = "example_get_weather";

    /// <summary>Gets the turns of the demonstration: example tools, a query, a call, its result and the answer using it.</summary>
    public static IReadOnlyList<PromptTurn> DemoTurns { get; } =
    [
        new PromptTurn(
            PromptTurnKind.Tools,
            "The assistant can call tools. To call one, the answer consists only of the call: a line " + ToolCallSyntax.Open +
            ", one line with a JSON object holding the tool's \"name\" and its \"arguments\", and a line " + ToolCallSyntax.Close +
            ". Each result comes back in a \"# Tool result:\" turn, and the assistant then answers using it. " +
            "The tool below is only an example.\n\n" +
            DemoFunction + ": Gets the current weather for a city (example tool).\n" +
            "- city (string, required): The name of the city."),
        new PromptTurn(PromptTurnKind.User, "Do I need an umbrella in Lyon today?"),
        new PromptTurn(PromptTurnKind.Assistant, string.Empty)
        {
            Calls = [new FunctionCallContent(DemoCallId, DemoFunction, new Dictionary<string, object?> { ["city"] = "Lyon" })],
        },
        new PromptTurn(PromptTurnKind.ToolResult, "Lyon: light rain, 14 °C, 80% chance of rain until the evening.")
        {
            CallId = DemoCallId,
            ToolName = DemoFunction,
        },
        new PromptTurn(
            PromptTurnKind.Assistant,
            "Yes, take an umbrella: it is raining lightly in Lyon (14 °C), and the rain is likely to last until the evening."),
    ];

    /// <summary>Returns the text of the <c># Tools:</c> turn that lists the request's functions.</summary>
    /// <param name="functions">The functions.</param>
    /// <returns>An introduction line, then one entry per function separated by blank lines.</returns>
    public static string Describe(IEnumerable<PromptFunction> functions)
    {
        var builder = new StringBuilder("Tools available in this conversation:");
        foreach (var function in functions)
        {
            builder.Append("\n\n").Append(function.Name);
            if (!string.IsNullOrWhiteSpace(function.Description))
            {
                builder.Append(": ").Append(function.Description);
            }

            AppendParameters(builder, function.Schema);
        }

        return builder.ToString();
    }

    // One line per property: "- name (type, required, one of …, default …): description".
    private static void AppendParameters(StringBuilder builder, JsonElement schema)
    {
        if (schema.ValueKind != JsonValueKind.Object
            || !schema.TryGetProperty("properties", out var properties)
            || properties.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        var required = schema.TryGetProperty("required", out var requiredElement) && requiredElement.ValueKind == JsonValueKind.Array
            ? requiredElement.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToHashSet(StringComparer.Ordinal)
            : [];
        foreach (var property in properties.EnumerateObject())
        {
            var traits = new List<string> { TypeOf(property.Value) };
            if (required.Contains(property.Name))
            {
                traits.Add("required");
            }

            if (property.Value.ValueKind == JsonValueKind.Object)
            {
                if (property.Value.TryGetProperty("enum", out var values) && values.ValueKind == JsonValueKind.Array)
                {
                    traits.Add("one of " + string.Join(", ", values.EnumerateArray().Select(v => v.GetRawText())));
                }

                if (property.Value.TryGetProperty("default", out var defaultValue))
                {
                    traits.Add("default " + defaultValue.GetRawText());
                }
            }

            builder.Append("\n- ").Append(property.Name).Append(" (").AppendJoin(", ", traits).Append(')');
            if (property.Value.ValueKind == JsonValueKind.Object
                && property.Value.TryGetProperty("description", out var description)
                && description.ValueKind == JsonValueKind.String
                && !string.IsNullOrWhiteSpace(description.GetString()))
            {
                builder.Append(": ").Append(description.GetString());
            }
        }
    }

    // "array of array of …" is spelled out to this depth only: the schema is caller data, so the recursion is bounded.
    private const int MaxTypeDepth = 8;

    private static string TypeOf(JsonElement schema, int depth = 0)
    {
        if (schema.ValueKind != JsonValueKind.Object || !schema.TryGetProperty("type", out var type))
        {
            return "any";
        }

        var name = type.ValueKind switch
        {
            JsonValueKind.String => type.GetString()!,
            JsonValueKind.Array => string.Join(" or ", type.EnumerateArray().Select(t => t.ValueKind == JsonValueKind.String ? t.GetString() : t.GetRawText())),
            _ => "any",
        };
        return name == "array" && schema.TryGetProperty("items", out var items)
            ? "array of " + (depth < MaxTypeDepth ? TypeOf(items, depth + 1) : "…")
            : name;
    }
}
