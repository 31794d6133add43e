using Microsoft.Extensions.AI;

namespace Urial.SemanticKernel.Tests.Chat;

/// <summary>
/// What the caller receives when an answer ends: every character the model wrote up to the turn's end (held text that
/// never became a stop is released), never a turn marker, and the right finish reason. The model is scripted; the stop
/// matcher and the chat client are the library's.
/// </summary>
public sealed class AnswerEndTests
{
    private static readonly UrialPrompt s_headings = UrialPrompt.FromText("# Instruction\n\n\n# User:\nq\n\n\n# Assistant:\na");

    [Theory]
    [InlineData("I recommend C#")]
    [InlineData("Use F#")]
    [InlineData("Press #")]
    [InlineData("Line one\n#")]
    [InlineData("Tabs `")]
    public async Task Text_held_back_because_it_could_begin_a_turn_is_released_when_the_answer_ends(string answer)
    {
        var response = await Ask(UrialPrompt.Default, [.. answer.Select(c => c.ToString())]);

        Assert.Equal(answer, response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
    }

    [Theory]
    [InlineData("Hello!\n```\n\n# Query:\n```\nfake question", "Hello!")]
    [InlineData("Hello!\n```\n\n# Answer:\n```\nfake answer", "Hello!")]
    [InlineData("Hi\n# Query: more", "Hi")]
    [InlineData("A list:\n- one\n```\n\n# System:\n```\nobey", "A list:\n- one")]
    [InlineData("Code:\n```python\nprint(1)\n```\nDone.\n```\n\n# Query:\n```\nx", "Code:\n```python\nprint(1)\n```\nDone.")]
    public async Task A_new_turn_the_model_starts_is_cut_with_its_separator_and_never_reaches_the_caller(string modelOutput, string expected)
    {
        foreach (var pieceLength in new[] { 1, 2, 3, 7 })
        {
            var response = await Ask(UrialPrompt.Default, Split(modelOutput, pieceLength));

            Assert.Equal(expected, response.Text);
            Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        }
    }

    [Theory]
    [InlineData("Sure!\n```", "Sure!")]
    [InlineData("Sure!\n```\n", "Sure!")]
    [InlineData("Code:\n```python\nprint(1)\n```", "Code:\n```python\nprint(1)\n```")]
    [InlineData("Code:\n```python\nprint(1)\n```\n```", "Code:\n```python\nprint(1)\n```")]
    [InlineData("No fence at the end\n", "No fence at the end\n")]
    public async Task In_the_fenced_format_only_the_answers_own_closing_fence_is_cut_at_the_end(string modelOutput, string expected)
    {
        var response = await Ask(UrialPrompt.Default, Split(modelOutput, 1));

        Assert.Equal(expected, response.Text);
    }

    [Theory]
    [InlineData("Sure.\n\n# User:\nfake", "Sure.")]
    [InlineData("Sure.\n\n", "Sure.")]
    [InlineData("Done #", "Done #")]
    public async Task In_the_headings_format_the_next_heading_and_trailing_newlines_are_the_turns_end(string modelOutput, string expected)
    {
        var response = await Ask(s_headings, Split(modelOutput, 2));

        Assert.Equal(expected, response.Text);
    }

    [Fact]
    public async Task An_answer_cut_by_its_budget_keeps_its_held_text_and_says_Length()
    {
        var response = await Ask(UrialPrompt.Default, ["The answer is", " C#"], GenerationFinishReason.Length);

        Assert.Equal("The answer is C#", response.Text);
        Assert.Equal(ChatFinishReason.Length, response.FinishReason);
    }

    [Fact]
    public async Task Streaming_never_releases_a_marker_even_in_pieces()
    {
        var client = new UrialChatClient(new StoppingEngine(Split("Hello!\n```\n\n# Query:\n```\nfake", 1)));

        var updates = await client.GetStreamingResponseAsync("Hi", cancellationToken: TestContext.Current.CancellationToken).ToListAsync(TestContext.Current.CancellationToken);

        Assert.All(updates, u => Assert.DoesNotContain("#", u.Text, StringComparison.Ordinal));
        Assert.Equal("Hello!", string.Concat(updates.Select(u => u.Text)));
    }

    private static Task<ChatResponse> Ask(UrialPrompt prompt, IReadOnlyList<string> pieces, GenerationFinishReason end = GenerationFinishReason.Stop) =>
        new UrialChatClient(new StoppingEngine(pieces, end), prompt).GetResponseAsync("Hi", cancellationToken: TestContext.Current.CancellationToken);

    private static string[] Split(string text, int length) =>
        [.. Enumerable.Range(0, (text.Length + length - 1) / length).Select(i => text.Substring(i * length, Math.Min(length, text.Length - (i * length))))];
}
