using Xunit;

namespace Urial.SemanticKernel.IntegrationTests.Inference;

public class UrialEngineSmokeTests
{
    [Fact]
    public async Task Generates_text_after_a_cached_prefix()
    {
        var prefix = File.ReadAllText(System.IO.Path.Combine(TestModel.SharedDirectory, "urial-prompts", "inst_1k_v4.help.txt"));
        await using var engine = new UrialEngine(new UrialEngineOptions { ModelPath = TestModel.Path, CachedPrefix = prefix });
        await engine.WarmUpAsync(TestContext.Current.CancellationToken);
        var text = new System.Text.StringBuilder();
        GenerationUpdate? last = null;
        await foreach (var update in engine.GenerateAsync(new GenerationRequest(prefix + "\n# Query:\n```\nOnce upon a time\n```\n\n# Answer:\n```\n") { MaxOutputTokens = 50 }, TestContext.Current.CancellationToken))
        {
            text.Append(update.Text);
            last = update;
        }

        TestContext.Current.SendDiagnosticMessage($"prefix tokens {engine.CachedPrefixTokenCount}; usage {last!.Usage}; text: {text}");
        Assert.NotNull(last!.FinishReason);
        Assert.True(last.Usage!.CachedPromptTokens > 0);
    }
}
