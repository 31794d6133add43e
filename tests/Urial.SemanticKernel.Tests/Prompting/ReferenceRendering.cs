using Microsoft.Extensions.AI;

namespace Urial.SemanticKernel.Tests;

/// <summary>The paper's reference rendering, written out by its formula, for byte-exact golden comparisons.</summary>
internal static class ReferenceRendering
{
    /// <summary>Renders user and assistant messages the way the reference implementation does (no escaping, no system turns).</summary>
    public static string Render(string text, UrialTurnFormat format, IEnumerable<ChatMessage> messages)
    {
        var result = text;
        foreach (var message in messages)
        {
            var user = message.Role == ChatRole.User;
            result += format == UrialTurnFormat.Fenced
                ? "\n" + (user ? "# Query:" : "# Answer:") + "\n```\n" + message.Text + "\n```\n"
                : "\n\n" + (user ? "# User:" : "# Assistant:") + "\n" + message.Text.Trim('\n') + "\n";
        }

        return result + (format == UrialTurnFormat.Fenced ? "\n# Answer:\n```\n" : "\n\n# Assistant:\n");
    }

    /// <summary>Returns the text a message has after a round trip: the headings format trims newlines, as the reference does.</summary>
    public static string Normalize(UrialTurnFormat format, string text) =>
        format == UrialTurnFormat.Headings ? text.Trim('\n') : text;

    /// <summary>Loads a prompt by key: <c>default</c> or the name of one of the paper's files in the shared folder.</summary>
    public static UrialPrompt Prompt(string key) =>
        key == "default" ? UrialPrompt.Default : UrialPrompt.Load(SharedFiles.UrialPrompt(key));
}
