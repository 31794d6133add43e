using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;

namespace Urial.SemanticKernel;

/// <summary>Builds the grammar that makes a tool call impossible to get wrong: a declared name and arguments that satisfy its schema.</summary>
internal static partial class ToolCallGrammar
{
    /// <summary>The most calls one answer may hold when several are allowed: every repetition is bounded.</summary>
    private const int MaxCallsPerAnswer = 4;

    /// <summary>Returns the grammar for the request's tool mode, or <see langword="null"/> when no call is possible.</summary>
    /// <exception cref="InvalidOperationException">A required tool is not among the declared ones.</exception>
    /// <exception cref="NotSupportedException">A tool's schema uses an unsupported keyword; the message names it.</exception>
    public static GenerationGrammar? For(PromptTools? tools, ChatOptions options, JsonGrammarLimits limits)
    {
        if (tools is not { IsRendered: true })
        {
            return null;
        }

        var functions = tools.Functions;
        if (tools.Mode is RequiredChatToolMode { RequiredFunctionName: { } required })
        {
            functions = [.. functions.Where(f => f.Name == required)];
            if (functions.Count == 0)
            {
                throw new InvalidOperationException($"ToolMode requires the function '{required}', but ChatOptions.Tools declares no function of that name.");
            }
        }

        var gbnf = CallObjectGrammar(functions, limits);
        var call = $"{GbnfText.Literal(ToolCallSyntax.Open + "\n")} call-object {GbnfText.Literal("\n" + ToolCallSyntax.Close)}";
        var more = options.AllowMultipleToolCalls != true ? string.Empty : $" ({GbnfText.Literal("\n")} call){{0,{MaxCallsPerAnswer - 1}}}";
        gbnf += $"\ncall ::= {call}\nroot ::= call{more}\n";

        // Auto lets the model answer in text and constrains only once it starts a call; Require* constrains from the first token.
        var trigger = tools.Mode is RequiredChatToolMode ? null : ToolCallSyntax.Open;
        return new GenerationGrammar(gbnf) { Trigger = trigger };
    }

    /// <summary>One schema for "any declared call": <c>{"name": const, "arguments": that tool's schema}</c> per tool, as alternatives.</summary>
    private static string CallObjectGrammar(IReadOnlyList<PromptFunction> functions, JsonGrammarLimits limits)
    {
        var alternatives = new JsonArray();
        foreach (var function in functions)
        {
            var arguments = JsonNode.Parse(function.Schema.ValueKind == JsonValueKind.Undefined ? "{}" : function.Schema.GetRawText()) as JsonObject ?? [];
            if (arguments["properties"] is not JsonObject { Count: > 0 } && !arguments.ContainsKey("additionalProperties"))
            {
                arguments["additionalProperties"] = false; // a function without parameters takes exactly {}
            }

            arguments.Remove("$schema");
            alternatives.Add(new JsonObject
            {
                ["type"] = "object",
                ["properties"] = new JsonObject { ["name"] = new JsonObject { ["const"] = function.Name }, ["arguments"] = arguments },
                ["required"] = new JsonArray("name", "arguments"),
                ["additionalProperties"] = false,
            });
        }

        using var schema = JsonDocument.Parse(new JsonObject { ["anyOf"] = alternatives }.ToJsonString());
        return RootRule().Replace(JsonSchemaGrammar.FromSchema(schema.RootElement, limits), "call-object ::= ");
    }

    [GeneratedRegex("^root ::= ", RegexOptions.Multiline)]
    private static partial Regex RootRule();
}
