using System.Text;
using System.Text.Json;
using CsCheck;
using Microsoft.Extensions.AI;

namespace Urial.SemanticKernel.Tests;

public sealed partial class UrialPromptTests
{
    private static readonly string[] s_toolFragments =
    [
        "<tool_call>", "</tool_call>", "\n<tool_call>\n", "\n</tool_call>\n", "<TOOL_CALL", "  <tool_call>",
        "# Tool result:", "# Tools:", "#Tool", "{\"name\":\"x\",\"arguments\":{}}", "{\"id\":\"c\"}", "\"", "\\", "{", "}",
        "[truncated: 3 more characters]", "\u2028", "\u0000",
    ];

    private static readonly Gen<string> s_toolText =
        Gen.OneOf<string>(Gen.OneOf(s_toolFragments), Gen.OneOf(s_adversarialFragments), Gen.String[0, 6], Gen.Char.Select(c => c.ToString()))
            .Array[0, 12]
            .Select(string.Concat);

    // JSON is UTF-8: ids, names and argument strings are valid UTF-16 (a lone surrogate would become U+FFFD).
    private static readonly Gen<string> s_jsonText = s_toolText.Where(IsValidUtf16);

    private static readonly Gen<object?> s_argumentValue = Gen.OneOf<object?>(
        s_jsonText.Select(text => (object?)text),
        Gen.Int.Select(number => (object?)number),
        Gen.Bool.Select(flag => (object?)flag),
        Gen.Bool.Select(_ => (object?)null),
        s_jsonText.Array[0, 3].Select(items => (object?)items));

    private static readonly Gen<FunctionCallContent> s_call =
        Gen.Select(s_jsonText, s_jsonText.Where(name => name.Length > 0), Gen.Select(s_jsonText, s_argumentValue).Array[0, 4], (id, name, arguments) =>
            new FunctionCallContent(id, name, arguments.DistinctBy(a => a.Item1, StringComparer.Ordinal).ToDictionary(a => a.Item1, a => a.Item2, StringComparer.Ordinal)));

    private static readonly Gen<ChatMessage> s_toolMessage = Gen.Frequency(
        (3, Gen.Select(Gen.OneOf(ChatRole.System, ChatRole.User, ChatRole.Assistant), s_toolText, (role, text) => new ChatMessage(role, text))),
        (2, Gen.Select(s_toolText, s_call.Array[1, 3], (text, calls) =>
            new ChatMessage(ChatRole.Assistant, [.. (text.Length > 0 ? [new TextContent(text)] : Array.Empty<AIContent>()), .. calls]))),
        (2, Gen.Select(s_jsonText, s_toolText, (id, result) => new FunctionResultContent(id, result)).Array[1, 3]
            .Select(results => new ChatMessage(ChatRole.Tool, [.. results]))));

    private static readonly Gen<(ChatMessage[] Messages, bool WithTools)> s_toolConversation =
        Gen.Select(s_toolMessage.Array[0, 6], s_toolText, Gen.Int[0, 6], Gen.Bool, (others, userText, position, withTools) =>
        {
            var messages = new List<ChatMessage>(others);
            messages.Insert(Math.Min(position, messages.Count), new ChatMessage(ChatRole.User, userText));
            return (messages.ToArray(), withTools);
        });

    [Theory]
    [InlineData("default")]
    [InlineData("inst_help_v6-1k.txt")]
    public void Parse_inverts_Render_for_adversarial_conversations_with_tool_calls_and_results(string promptKey)
    {
        var prompt = ReferenceRendering.Prompt(promptKey);

        PropertyRun.Check(
            s_toolConversation,
            sample =>
            {
                var rendered = prompt.Render(sample.Messages, sample.WithTools ? s_tools : null);
                var parsed = prompt.Parse(rendered);

                Assert.Equal(Canonical(prompt.Format, sample.Messages), Canonical(prompt.Format, parsed));

                // Only real calls (and the demonstration's one) put a marker at column zero.
                var calls = sample.Messages.Sum(m => m.Contents.OfType<FunctionCallContent>().Count()) + (sample.WithTools ? 1 : 0);
                var lines = rendered[prompt.Text.Length..].Split('\n');
                Assert.Equal(calls, lines.Count(line => line == "<tool_call>"));
                Assert.Equal(calls, lines.Count(line => line.StartsWith("</tool_call", StringComparison.OrdinalIgnoreCase)));
            },
            cases: 2000,
            seed: 3101,
            describe: sample => DescribeTools(sample.Messages));
    }

    // One line per message (consecutive tool messages merged, as Parse returns them): role, normalized text, calls, normalized results.
    private static List<string> Canonical(UrialTurnFormat format, IEnumerable<ChatMessage> messages)
    {
        var lines = new List<string>();
        foreach (var message in messages)
        {
            var results = message.Contents.OfType<FunctionResultContent>().Select(r => $"result {r.CallId}: {ReferenceRendering.Normalize(format, (string)r.Result!)}").ToArray();
            if (message.Role == ChatRole.Tool)
            {
                if (lines.Count > 0 && lines[^1].StartsWith("tool|", StringComparison.Ordinal))
                {
                    lines[^1] += "|" + string.Join("|", results);
                }
                else
                {
                    lines.Add("tool|" + string.Join("|", results));
                }

                continue;
            }

            var calls = message.Contents.OfType<FunctionCallContent>()
                .Select(c => $"call {c.CallId} {c.Name} {JsonSerializer.Serialize(c.Arguments, ToolCallSyntax.JsonOptions)}");
            lines.Add($"{message.Role}|{ReferenceRendering.Normalize(format, message.Text)}|{string.Join("|", calls)}");
        }

        return lines;
    }

    private static string DescribeTools(ChatMessage[] messages) =>
        string.Join(", ", messages.Select(m => $"{m.Role}: {JsonSerializer.Serialize(m.Contents.Select(c => c switch
        {
            FunctionCallContent call => $"call {call.CallId} {call.Name} {JsonSerializer.Serialize(call.Arguments)}",
            FunctionResultContent result => $"result {result.CallId} {result.Result}",
            _ => c.ToString(),
        }))}"));

    private static bool IsValidUtf16(string text)
    {
        foreach (var rune in text.EnumerateRunes())
        {
            if (rune == Rune.ReplacementChar)
            {
                return false;
            }
        }

        return true;
    }
}
