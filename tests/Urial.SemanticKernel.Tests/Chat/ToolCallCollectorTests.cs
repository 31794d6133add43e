using Microsoft.Extensions.AI;

namespace Urial.SemanticKernel.Tests.Chat;

public class ToolCallCollectorTests
{
    [Fact]
    public void Text_before_the_marker_streams_and_the_call_becomes_a_function_call()
    {
        var collector = new ToolCallCollector(active: true, callFromFirstToken: false);

        var streamed = collector.Accept("Let me check.\n") + collector.Accept("<tool_call>\n{\"name\":\"Weather_Get\",") + collector.Accept("\"arguments\":{\"city\":\"Paris\"}}\n</tool_call>");
        var final = new ChatResponseUpdate(ChatRole.Assistant, []) { FinishReason = ChatFinishReason.Stop };
        collector.Complete(final);

        Assert.Equal("Let me check.\n", streamed);
        var call = Assert.Single(final.Contents.OfType<FunctionCallContent>());
        Assert.Equal("Weather_Get", call.Name);
        Assert.Equal("Paris", call.Arguments!["city"]?.ToString());
        Assert.StartsWith("call_", call.CallId, StringComparison.Ordinal);
        Assert.Equal(ChatFinishReason.ToolCalls, final.FinishReason);
    }

    [Fact]
    public void An_incomplete_call_is_returned_as_text_never_dropped()
    {
        var collector = new ToolCallCollector(active: true, callFromFirstToken: true);

        Assert.Equal(string.Empty, collector.Accept("<tool_call>\n{\"name\":\"Weather_Get\",\"argu"));
        var final = new ChatResponseUpdate(ChatRole.Assistant, []) { FinishReason = ChatFinishReason.Length };
        collector.Complete(final);

        Assert.Equal("<tool_call>\n{\"name\":\"Weather_Get\",\"argu", Assert.Single(final.Contents.OfType<TextContent>()).Text);
        Assert.Equal(ChatFinishReason.Length, final.FinishReason);
    }

    [Fact]
    public void Without_tools_the_marker_is_plain_text()
    {
        var collector = new ToolCallCollector(active: false, callFromFirstToken: false);

        Assert.Equal("a <tool_call> b", collector.Accept("a <tool_call> b"));
    }
}
