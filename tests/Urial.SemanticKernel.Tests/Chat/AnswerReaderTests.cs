using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Urial.SemanticKernel.Tests.Chat;

public class AnswerReaderTests
{
    private static readonly AIFunction Hero = AIFunctionFactory.Create(
        ([System.ComponentModel.DataAnnotations.Range(5, 50)] int age, string name) => $"{name}, {age}", "Story_NameHero");

    private static ChatGrammarPlan Plan(AnswerShape shape, JsonElement? answerSchema = null) =>
        new(shape, null, answerSchema, [new PromptFunction(Hero.Name, Hero.Description, Hero.JsonSchema)], 200);

    private static ChatResponseUpdate Final(ChatFinishReason reason) => new(ChatRole.Assistant, []) { FinishReason = reason };

    [Fact]
    public void Text_before_the_marker_streams_and_the_call_becomes_a_function_call()
    {
        var reader = new AnswerReader(Plan(AnswerShape.TextOrCalls));

        var streamed = reader.Accept("Let me check.\n") + reader.Accept("<tool_call>\n{\"name\":\"Story_NameHero\",") + reader.Accept("\"arguments\":{\"age\":7,\"name\":\"Tom\"}}\n</tool_call>");
        var final = Final(ChatFinishReason.Stop);
        reader.Complete(final);

        Assert.Equal("Let me check.\n", streamed);
        var call = Assert.Single(final.Contents.OfType<FunctionCallContent>());
        Assert.Equal("Story_NameHero", call.Name);
        Assert.Null(call.Exception);
        Assert.StartsWith("call_", call.CallId, StringComparison.Ordinal);
        Assert.Equal(ChatFinishReason.ToolCalls, final.FinishReason);
    }

    [Fact]
    public async Task Arguments_that_fail_validation_make_the_invocation_report_the_keyword_and_path()
    {
        var reader = new AnswerReader(Plan(AnswerShape.Calls));
        reader.Accept("<tool_call>\n{\"name\":\"Story_NameHero\",\"arguments\":{\"age\":3,\"name\":\"Tom\"}}\n</tool_call>");
        var final = Final(ChatFinishReason.Stop);
        reader.Complete(final);

        var call = Assert.Single(final.Contents.OfType<FunctionCallContent>());
        Assert.Contains("minimum", call.Exception!.Message, StringComparison.Ordinal);
        Assert.Contains("/age", call.Exception.Message, StringComparison.Ordinal);

        // The oracle is Microsoft.Extensions.AI's own binder: invoking the call fails with the validation error.
        var error = await Assert.ThrowsAsync<ArgumentException>(async () => await Hero.InvokeAsync(new AIFunctionArguments(call.Arguments), TestContext.Current.CancellationToken));
        Assert.Contains("minimum", error.Message, StringComparison.Ordinal);
        Assert.Contains("/age", error.Message, StringComparison.Ordinal);

        // The call still renders in the history as the model wrote it.
        var history = new System.Text.StringBuilder();
        ToolCallSyntax.AppendCalls(history, [call]);
        Assert.Contains("\"age\":3", history.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true, "<tool_call>\n{\"name\":\"Story_NameHero\",\"argu")]
    [InlineData(false, "Sure.\n<tool_call>\n{\"name\"")]
    public void A_call_that_did_not_close_fails_and_never_becomes_text(bool required, string text)
    {
        var reader = new AnswerReader(Plan(required ? AnswerShape.Calls : AnswerShape.TextOrCalls));

        var streamed = reader.Accept(text);
        var final = Final(ChatFinishReason.Length);
        var error = Assert.Throws<InvalidOperationException>(() => reader.Complete(final));

        Assert.DoesNotContain("<tool_call>", streamed, StringComparison.Ordinal);
        Assert.DoesNotContain(final.Contents.OfType<TextContent>(), t => t.Text.Contains("tool_call", StringComparison.Ordinal));
        Assert.Contains("MaxOutputTokens", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_calls_the_marker_is_plain_text()
    {
        var reader = new AnswerReader(ChatGrammarPlan.FreeText);

        Assert.Equal("a <tool_call> b", reader.Accept("a <tool_call> b"));
    }

    [Fact]
    public void With_calls_or_json_the_first_character_decides()
    {
        var schema = JsonDocument.Parse("""{"type":"object","properties":{"n":{"type":"integer","multipleOf":2}},"required":["n"]}""").RootElement;
        var asCall = new AnswerReader(Plan(AnswerShape.CallsOrJson, schema));
        Assert.Equal(string.Empty, asCall.Accept("<tool_call>\n{\"name\":\"Story_NameHero\",\"arguments\":{\"age\":9,\"name\":\"<tool_call>\"}}\n</tool_call>"));
        var final = Final(ChatFinishReason.Stop);
        asCall.Complete(final);
        Assert.Single(final.Contents.OfType<FunctionCallContent>());

        var asAnswer = new AnswerReader(Plan(AnswerShape.CallsOrJson, schema));
        Assert.Equal("{\"n\":4}", asAnswer.Accept("{\"n\":4}"));
        asAnswer.Complete(Final(ChatFinishReason.Stop));
    }

    [Fact]
    public void A_json_answer_that_fails_its_schema_raises_an_exception_naming_keyword_and_path()
    {
        var schema = JsonDocument.Parse("""{"type":"object","properties":{"n":{"type":"integer","multipleOf":2}},"required":["n"]}""").RootElement;
        var reader = new AnswerReader(Plan(AnswerShape.Json, schema));
        reader.Accept("{\"n\":3}");

        var error = Assert.Throws<UrialSchemaViolationException>(() => reader.Complete(Final(ChatFinishReason.Stop)));

        Assert.Equal("multipleOf", error.Keyword);
        Assert.Equal("/n", error.InstanceLocation);
        Assert.Contains("multipleOf", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_json_answer_cut_before_it_closed_raises_an_exception()
    {
        var reader = new AnswerReader(Plan(AnswerShape.Json));
        reader.Accept("{\"n\":");

        var error = Assert.Throws<UrialSchemaViolationException>(() => reader.Complete(Final(ChatFinishReason.Length)));

        Assert.Contains("MaxOutputTokens", error.Message, StringComparison.Ordinal);
    }
}
