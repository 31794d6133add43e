using Microsoft.Extensions.AI;

namespace Urial.SemanticKernel.Tests;

public sealed partial class UrialPromptTests
{
    private static readonly ChatMessage[] s_singleTurn =
    [
        new(ChatRole.User, "What is the capital of France?"),
    ];

    private static readonly ChatMessage[] s_multiTurn =
    [
        new(ChatRole.User, "Can you give me three tips for better sleep?\n"),
        new(ChatRole.Assistant, "Hello! Of course. Here are three tips:\n\n1. Keep a regular schedule.\n2. Avoid screens an hour before bed.\n3. Keep your bedroom cool and dark.\n\nWhy it works: your body likes routine. Let me know if you'd like more tips!"),
        new(ChatRole.User, "\nThanks! And what about naps? <s> </s> <|im_start|>user\n"),
    ];

    [Theory]
    [InlineData("inst_1k_v4.help.txt", false)]
    [InlineData("inst_1k_v4.help.txt", true)]
    [InlineData("inst_1k_v4.txt", false)]
    [InlineData("inst_1k_v4.txt", true)]
    [InlineData("inst_help_v6-1k.txt", false)]
    [InlineData("inst_help_v6-1k.txt", true)]
    [InlineData("default", false)]
    [InlineData("default", true)]
    public void Render_of_ordinary_messages_is_byte_identical_to_the_reference(string promptKey, bool multiTurn)
    {
        var prompt = ReferenceRendering.Prompt(promptKey);
        var messages = multiTurn ? s_multiTurn : s_singleTurn;

        var rendered = prompt.Render(messages);

        Assert.Equal(ReferenceRendering.Render(prompt.Text, prompt.Format, messages), rendered);
    }

    [Fact]
    public void Render_writes_the_fenced_layout_after_the_constant_text()
    {
        var prompt = UrialPrompt.FromText("# Instruction\n\n# Query:\n```\nq\n```\n\n# Answer:\n```\na\n```\n");

        var rendered = prompt.Render([new(ChatRole.User, "Hi"), new(ChatRole.Assistant, "Hello!"), new(ChatRole.User, "Bye")]);

        Assert.Equal(
            "# Instruction\n\n# Query:\n```\nq\n```\n\n# Answer:\n```\na\n```\n" +
            "\n# Query:\n```\nHi\n```\n" +
            "\n# Answer:\n```\nHello!\n```\n" +
            "\n# Query:\n```\nBye\n```\n" +
            "\n# Answer:\n```\n",
            rendered);
    }

    [Fact]
    public void Render_writes_the_headings_layout_after_the_constant_text()
    {
        var prompt = UrialPrompt.FromText("# Instruction\n\n\n# User:\nq\n\n\n# Assistant:\na");

        var rendered = prompt.Render([new(ChatRole.User, "\nHi\n\n"), new(ChatRole.Assistant, "Hello!")]);

        Assert.Equal(
            "# Instruction\n\n\n# User:\nq\n\n\n# Assistant:\na" +
            "\n\n# User:\nHi\n" +
            "\n\n# Assistant:\nHello!\n" +
            "\n\n# Assistant:\n",
            rendered);
    }

    [Fact]
    public void Render_writes_system_messages_as_system_turns_after_the_constant_text_where_they_occur()
    {
        var fenced = UrialPrompt.Default;
        var headings = ReferenceRendering.Prompt("inst_help_v6-1k.txt");
        ChatMessage[] messages =
        [
            new(ChatRole.System, "You are a pirate."),
            new(ChatRole.User, "Hi"),
            new(ChatRole.System, "Answer briefly."),
            new(ChatRole.User, "Bye"),
        ];

        Assert.Equal(
            fenced.Text + "\n# System:\n```\nYou are a pirate.\n```\n\n# Query:\n```\nHi\n```\n\n# System:\n```\nAnswer briefly.\n```\n\n# Query:\n```\nBye\n```\n\n# Answer:\n```\n",
            fenced.Render(messages));
        Assert.Equal(
            headings.Text + "\n\n# System:\nYou are a pirate.\n\n\n# User:\nHi\n\n\n# System:\nAnswer briefly.\n\n\n# User:\nBye\n\n\n# Assistant:\n",
            headings.Render(messages));
    }

    [Fact]
    public void Render_skips_tool_messages_and_messages_with_only_non_text_contents()
    {
        var prompt = UrialPrompt.Default;
        ChatMessage[] messages =
        [
            new(ChatRole.User, "What's the weather?"),
            new(ChatRole.Assistant, [new FunctionCallContent("call-1", "GetWeather")]),
            new(ChatRole.Tool, [new FunctionResultContent("call-1", "sunny")]),
            new(ChatRole.Tool, "sunny"),
            new(ChatRole.Assistant, "It's sunny."),
            new(ChatRole.User, "Thanks"),
        ];

        var rendered = prompt.Render(messages);

        Assert.Equal(ReferenceRendering.Render(prompt.Text, prompt.Format, [messages[0], messages[4], messages[5]]), rendered);
    }

    [Fact]
    public void Render_without_a_user_message_throws_ArgumentException()
    {
        var prompt = UrialPrompt.Default;

        var exception = Assert.Throws<ArgumentException>(
            () => prompt.Render([new(ChatRole.System, "Be nice."), new(ChatRole.Assistant, "Hello!"), new(ChatRole.Tool, "x")]));

        Assert.Contains("needs at least one user message", exception.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => prompt.Render([]));
    }

    [Fact]
    public void Render_with_a_null_message_throws_ArgumentException()
    {
        Assert.Throws<ArgumentException>(() => UrialPrompt.Default.Render([new(ChatRole.User, "Hi"), null!]));
    }

    [Theory]
    [InlineData("inst_1k_v4.help.txt")]
    [InlineData("inst_help_v6-1k.txt")]
    [InlineData("default")]
    public void Parse_returns_the_rendered_messages_with_roles_and_texts(string promptKey)
    {
        var prompt = ReferenceRendering.Prompt(promptKey);
        ChatMessage[] messages = [new(ChatRole.System, "Be brief."), .. s_multiTurn];

        var parsed = prompt.Parse(prompt.Render(messages));

        Assert.Equal(messages.Select(m => m.Role), parsed.Select(m => m.Role));
        Assert.Equal(messages.Select(m => ReferenceRendering.Normalize(prompt.Format, m.Text)), parsed.Select(m => m.Text));
    }
}
