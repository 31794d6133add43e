using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Urial.Cli;

/// <summary>Reads a conversation file: a JSON array of <c>{"role": "system|user|assistant", "content": "…"}</c>.</summary>
internal static class ConversationFile
{
    public static List<ChatMessage> Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new CliException($"The conversation file '{path}' does not exist.");
        }

        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            root = document.RootElement.Clone();
        }
        catch (JsonException exception)
        {
            throw new CliException($"The conversation file '{path}' is not valid JSON: {exception.Message}", exception);
        }

        if (root.ValueKind != JsonValueKind.Array)
        {
            throw new CliException($"The conversation file '{path}' must hold a JSON array of {{\"role\", \"content\"}} objects.");
        }

        var messages = new List<ChatMessage>();
        var index = 0;
        foreach (var item in root.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object
                || !item.TryGetProperty("role", out var role) || role.ValueKind != JsonValueKind.String
                || !item.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.String)
            {
                throw new CliException($"Item {index} of '{path}' needs string properties \"role\" and \"content\".");
            }

            var chatRole = role.GetString() switch
            {
                "system" => ChatRole.System,
                "user" => ChatRole.User,
                "assistant" => ChatRole.Assistant,
                var other => throw new CliException($"Item {index} of '{path}' has role '{other}'; use system, user or assistant."),
            };
            messages.Add(new ChatMessage(chatRole, content.GetString()));
            index++;
        }

        return messages;
    }
}
