using System.Text.Json;
using Microsoft.Extensions.AI;
using OpenAI.Chat;

namespace Urial.Server.OpenAI;

/// <summary>Reads <c>tools</c> (through the SDK's <see cref="ChatTool"/>) and <c>tool_choice</c> into declaration-only functions and a tool mode.</summary>
/// <remarks>
/// The functions are declarations, not invocable: the model's calls go back to the HTTP client, which runs them and
/// sends the results in its next request. Calls are decoded under the grammar the library builds from these schemas.
/// </remarks>
internal static class ChatToolsReader
{
    private static readonly JsonElement s_noParameters = JsonDocument.Parse("""{"type":"object","properties":{}}""").RootElement;

    public static List<AIFunctionDeclaration> ReadTools(JsonElement body)
    {
        if (!ChatCompletionRequestReader.Present(body, "tools"))
        {
            return [];
        }

        if (body.GetProperty("tools") is not { ValueKind: JsonValueKind.Array } array)
        {
            throw new BadRequestException("'tools' must be an array of function tools.", "tools");
        }

        var declarations = new List<AIFunctionDeclaration>();
        var index = 0;
        foreach (var element in array.EnumerateArray())
        {
            var param = $"tools[{index++}]";
            var tool = ChatCompletionRequestReader.ReadWireModel<ChatTool>(element, param);
            if (tool.Kind != ChatToolKind.Function || string.IsNullOrWhiteSpace(tool.FunctionName))
            {
                throw new BadRequestException($"'{param}' must be {{\"type\": \"function\", \"function\": {{\"name\": …}}}}.", param);
            }

            if (declarations.Any(declaration => declaration.Name == tool.FunctionName))
            {
                throw new BadRequestException($"'{param}' declares the function '{tool.FunctionName}' a second time.", param);
            }

            var schema = tool.FunctionParameters is null ? s_noParameters : JsonDocument.Parse(tool.FunctionParameters).RootElement;
            if (schema.ValueKind != JsonValueKind.Object)
            {
                throw new BadRequestException($"'{param}.function.parameters' must be a JSON Schema object.", param + ".function.parameters");
            }

            declarations.Add(AIFunctionFactory.CreateDeclaration(tool.FunctionName, tool.FunctionDescription, schema));
        }

        return declarations;
    }

    public static ChatToolMode? ReadToolMode(JsonElement body, List<AIFunctionDeclaration> tools)
    {
        if (!ChatCompletionRequestReader.Present(body, "tool_choice"))
        {
            return null;
        }

        var choice = body.GetProperty("tool_choice");
        ChatToolMode mode = choice.ValueKind switch
        {
            JsonValueKind.String when choice.ValueEquals("none") => ChatToolMode.None,
            JsonValueKind.String when choice.ValueEquals("auto") => ChatToolMode.Auto,
            JsonValueKind.String when choice.ValueEquals("required") => ChatToolMode.RequireAny,
            JsonValueKind.Object when choice.TryGetProperty("function", out var function) && function.ValueKind == JsonValueKind.Object
                && function.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String => ChatToolMode.RequireSpecific(name.GetString()!),
            _ => throw new BadRequestException("'tool_choice' must be \"none\", \"auto\", \"required\" or {\"type\": \"function\", \"function\": {\"name\": …}}.", "tool_choice"),
        };
        if (mode is not NoneChatToolMode && tools.Count == 0)
        {
            throw new BadRequestException("'tool_choice' asks for a tool call, but 'tools' declares no function.", "tool_choice");
        }

        if (mode is RequiredChatToolMode { RequiredFunctionName: { } required } && tools.All(tool => tool.Name != required))
        {
            throw new BadRequestException($"'tool_choice' names the function '{required}', which 'tools' does not declare.", "tool_choice");
        }

        return mode;
    }
}
