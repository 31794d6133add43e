namespace Urial.AgentConsole.Tests;

public sealed class ConsoleOptionsTests
{
    [Fact]
    public void Parses_every_option()
    {
        var options = ConsoleOptions.Parse(["--model", "m.gguf", "--prompt", "p.txt", "--ask", "Why?", "--agent", "--max-tokens", "12"]);

        Assert.Equal(new ConsoleOptions { ModelPath = "m.gguf", Prompt = "p.txt", Ask = "Why?", UseAgent = true, MaxTokens = 12 }, options);
    }

    [Fact]
    public void Defaults_to_the_interactive_kernel_console() =>
        Assert.Equal(new ConsoleOptions { Prompt = "default", MaxTokens = 256 }, ConsoleOptions.Parse([]));

    [Theory]
    [InlineData("--model")]
    [InlineData("--max-tokens", "0")]
    [InlineData("--max-tokens", "many")]
    [InlineData("--what")]
    public void Rejects_bad_arguments(params string[] args) => Assert.Throws<AgentConsoleException>(() => ConsoleOptions.Parse(args));
}
