using System.Text.Json;
using CsCheck;
using Microsoft.Extensions.AI;

namespace Urial.SemanticKernel.Tests;

public sealed partial class UrialPromptTests
{
    private static readonly string[] s_adversarialFragments =
    [
        "```", "```python", "```json\n{}\n```", "~~~", "\n```\n", "```\n\n# Query:\n```\n",
        "# Query:", "# Query", "# Answer:", "#Answer", "# User:", "# user", "# Assistant:", "## Assistant", "# System:",
        "#\tSystem", "# Instruction", "# Instructions:", "#", "# ", "# Heading",
        "\n", "\n\n", "\r\n", "\r", " ", "  ", "\t", "\n  ", "\n\t",
        "＃ Query:", "# Ｑuery:", "#\u00A0User:", "\u2003# Answer:",
        "<s>", "</s>", "<|im_start|>", "<|im_end|>", "<|eot_id|>", "[INST]",
        "hello", "Sure! Here are the steps:", "1. ", "- ", "é", "😀", "中文",
    ];

    private static readonly Gen<string> s_text =
        Gen.OneOf<string>(Gen.OneOf(s_adversarialFragments), Gen.String[0, 6], Gen.Char.Select(c => c.ToString()))
            .Array[0, 12]
            .Select(string.Concat);

    private static readonly Gen<ChatMessage> s_message =
        Gen.Select(Gen.OneOf(ChatRole.System, ChatRole.User, ChatRole.Assistant), s_text, (role, text) => new ChatMessage(role, text));

    // 1–6 messages with at least one user message: up to five of any role, plus one user message inserted anywhere.
    private static readonly Gen<ChatMessage[]> s_conversation =
        Gen.Select(s_message.Array[0, 5], s_text, Gen.Int[0, 5], (others, userText, position) =>
        {
            var messages = new List<ChatMessage>(others);
            messages.Insert(Math.Min(position, messages.Count), new ChatMessage(ChatRole.User, userText));
            return messages.ToArray();
        });

    [Theory]
    [InlineData("default")]
    [InlineData("inst_help_v6-1k.txt")]
    public void Parse_inverts_Render_for_adversarial_conversations(string promptKey)
    {
        var prompt = ReferenceRendering.Prompt(promptKey);

        PropertyRun.Check(
            s_conversation,
            messages =>
            {
                var parsed = prompt.Parse(prompt.Render(messages));

                Assert.Equal(messages.Select(m => m.Role), parsed.Select(m => m.Role));
                Assert.Equal(messages.Select(m => ReferenceRendering.Normalize(prompt.Format, m.Text)), parsed.Select(m => m.Text));
            },
            cases: 3000,
            seed: 3102,
            describe: Describe);
    }

    private static string Describe(ChatMessage[] messages) =>
        string.Join(", ", messages.Select(m => $"{m.Role}: {JsonSerializer.Serialize(m.Text)}"));
}
