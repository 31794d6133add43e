using Urial.AgentConsole.Models;

namespace Urial.AgentConsole.Tests.Models;

public sealed class ModelFileCheckTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void The_real_model_passes_magic_size_and_sha256() => Assert.Null(ModelFileCheck.Problem(TestModel.Path));

    [Fact]
    public void An_html_error_page_is_not_a_gguf_file()
    {
        var path = _temp.File("page.gguf");
        File.WriteAllText(path, "<html>rate limited</html>");

        Assert.Contains("not a GGUF file", ModelFileCheck.Problem(path), StringComparison.Ordinal);
    }

    [Fact]
    public void A_truncated_model_is_rejected_by_size()
    {
        var path = _temp.File("truncated.gguf");
        File.WriteAllBytes(path, File.ReadAllBytes(TestModel.Path)[..4096]);

        Assert.Contains("size", ModelFileCheck.Problem(path), StringComparison.Ordinal);
    }

    [Fact]
    public void A_corrupted_model_is_rejected_by_sha256()
    {
        var path = _temp.File("corrupted.gguf");
        var bytes = File.ReadAllBytes(TestModel.Path);
        bytes[^1] ^= 0xFF;
        File.WriteAllBytes(path, bytes);

        Assert.Contains("SHA-256", ModelFileCheck.Problem(path), StringComparison.Ordinal);
    }
}
