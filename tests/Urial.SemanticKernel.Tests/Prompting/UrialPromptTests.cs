using System.Text;

namespace Urial.SemanticKernel.Tests;

public sealed partial class UrialPromptTests
{
    [Theory]
    [InlineData("inst_1k_v4.help.txt", UrialTurnFormat.Fenced)]
    [InlineData("inst_1k_v4.txt", UrialTurnFormat.Fenced)]
    [InlineData("inst_help_v6-1k.txt", UrialTurnFormat.Headings)]
    public void Load_keeps_the_file_bytes_and_detects_the_format(string fileName, UrialTurnFormat format)
    {
        var path = SharedFiles.UrialPrompt(fileName);

        var prompt = UrialPrompt.Load(path);

        Assert.Equal(fileName, prompt.Name);
        Assert.Equal(format, prompt.Format);
        Assert.Equal(File.ReadAllBytes(path), Encoding.UTF8.GetBytes(prompt.Text));
    }

    [Fact]
    public void Load_of_a_missing_file_throws_FileNotFoundException_naming_the_path()
    {
        var path = Path.Combine(Path.GetTempPath(), "urial-" + Guid.NewGuid().ToString("N"), "missing.txt");

        var exception = Assert.Throws<FileNotFoundException>(() => UrialPrompt.Load(path));

        Assert.Equal(path, exception.FileName);
        Assert.Contains(path, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_of_a_file_without_turns_throws_InvalidDataException()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "# Instruction\n\nBe helpful. Queries go under \"# Query:\".\n");

            var exception = Assert.Throws<InvalidDataException>(() => UrialPrompt.Load(path));

            Assert.Contains("contains no '# Query:'/'# Answer:' or '# User:'/'# Assistant:' turns; a URIAL prompt file needs", exception.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Load_keeps_a_byte_order_mark_and_carriage_returns_as_they_are()
    {
        var path = Path.GetTempFileName();
        try
        {
            var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("# Instruction\r\n\r\n# User:\r\nHi\r\n\r\n# Assistant:\r\nHello!")).ToArray();
            File.WriteAllBytes(path, bytes);

            var prompt = UrialPrompt.Load(path);

            Assert.Equal(UrialTurnFormat.Headings, prompt.Format);
            Assert.Equal("\uFEFF# Instruction\r\n\r\n# User:\r\nHi\r\n\r\n# Assistant:\r\nHello!", prompt.Text);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("# Instruction\n\n# Query:\n```\nq\n```\n", UrialTurnFormat.Fenced)]
    [InlineData("# Instruction\n\n# Answer:\n```\na\n```\n", UrialTurnFormat.Fenced)]
    [InlineData("# Instruction\n\n# User:\nq\n", UrialTurnFormat.Headings)]
    [InlineData("# Instruction\n\n# Assistant:\na", UrialTurnFormat.Headings)]
    [InlineData("Answers go under \"# Assistant:\".\n\n# Query:\n```\nq\n```\n", UrialTurnFormat.Fenced)]
    public void FromText_detects_the_format_by_the_first_heading_on_a_line_of_its_own(string text, UrialTurnFormat format)
    {
        var prompt = UrialPrompt.FromText(text);

        Assert.Equal(format, prompt.Format);
        Assert.Equal(text, prompt.Text);
        Assert.Equal("custom", prompt.Name);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Queries go under \"# Query:\" and answers under \"# Answer:\".")]
    [InlineData("# Query: inline\n# user:\n")]
    public void FromText_without_turns_throws_InvalidDataException(string text)
    {
        var exception = Assert.Throws<InvalidDataException>(() => UrialPrompt.FromText(text, "mine"));

        Assert.Contains("'mine' contains no '# Query:'/'# Answer:' or '# User:'/'# Assistant:' turns", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Null_arguments_throw_ArgumentNullException()
    {
        var prompt = UrialPrompt.Default;

        Assert.Throws<ArgumentNullException>(() => UrialPrompt.Load(null!));
        Assert.Throws<ArgumentNullException>(() => UrialPrompt.FromText(null!));
        Assert.Throws<ArgumentNullException>(() => prompt.Render(null!));
        Assert.Throws<ArgumentNullException>(() => prompt.Parse(null!));
    }
}
