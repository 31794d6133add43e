namespace Urial.Cli;

public sealed class ChatCommandTests
{
    [Fact]
    public async Task Chat_streams_an_answer_per_line_of_input_until_exit()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var context = new CliContext(output, error, new StringReader("Hello there\n/reset\nTell me a story\n/exit\nnever read\n"), interactive: false);

        var code = await UrialCli.RunAsync(["chat", "--model", TestModel.Path, "--max-tokens", "8"], context, TestContext.Current.CancellationToken);

        Assert.True(code == 0, error.ToString());
        var text = output.ToString();
        Assert.Contains("Chatting with stories260K.gguf", text, StringComparison.Ordinal);
        Assert.Contains("(new conversation)", text, StringComparison.Ordinal);
        Assert.Equal(5, text.Split("\n> ").Length); // a prompt before each of the four lines read; the line after /exit is never read
    }
}
