using System.Text.Json;

namespace Urial.Cli;

public sealed class ShiftCommandTests
{
    private static string Model => TestModel.Path;

    // The issue's own reproduction: the first 3 just-eval instructions with the default --max-answer-tokens (1024), where
    // re-tokenizing the answer text (30.95 % with URIAL) and batched scoring numerics (98.27 % without) once broke the identity.
    [Theory]
    [InlineData("--with-urial", "urial")]
    [InlineData("--without-urial", "plain")]
    public async Task A_model_scored_against_its_own_greedy_answers_with_identical_prompting_is_100_percent_unshifted(string modeFlag, string mode)
    {
        using var directory = new TempDirectory();

        var (code, _, error) = await CliRun.RunAsync(
            "shift", "--base", Model, "--aligned", Model, "--aligned-prompting", "same", modeFlag,
            "--data", CliRun.DataPath, "--limit", "3", "--out", directory.Path);

        Assert.True(code == 0, error);
        var report = Mode(CliRun.ReadJson(directory.Combine("shift-report.json")), mode);
        Assert.Equal(3, report.GetProperty("items").GetInt32());
        Assert.Equal(3 * 1024, report.GetProperty("tokens").GetInt32());
        Assert.Equal(100.0, report.GetProperty("unshiftedPercent").GetDouble());
        Assert.Equal(0, report.GetProperty("shifted").GetInt32() + report.GetProperty("marginal").GetInt32());
        Assert.StartsWith("the aligned model's own token ids", report.GetProperty("scoring").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_greedy_answer_re_tokenized_from_its_text_is_not_the_token_sequence_the_model_generated()
    {
        // Why answers generated here are ranked as token ids: the canonical tokenization of the text differs.
        using var model = ScoringModel.Load(Model, new ModelSettings(ContextSize: 2048, BatchSize: 512, GpuLayers: 0, Threads: null));
        var prompt = InstructionFile.Load(CliRun.DataPath, "data")[0].Instruction + "\n\n";
        var promptTokens = model.Tokenize(prompt);

        var generated = await model.GenerateGreedyAsync(promptTokens, 512, TestContext.Current.CancellationToken);
        var retokenized = model.Tokenize(prompt + model.Detokenize(generated))[promptTokens.Length..];

        Assert.NotEqual(generated.Select(token => (int)token), retokenized.Select(token => (int)token));
        var (ranks, _) = await model.RankAsGeneratedAsync(promptTokens, generated, TestContext.Current.CancellationToken);
        Assert.All(ranks, rank => Assert.Equal(1, rank));
    }

    [Fact]
    public async Task The_first_20_just_eval_answers_with_and_without_URIAL_give_different_deterministic_figures_and_both_reports()
    {
        using var first = new TempDirectory();
        using var second = new TempDirectory();
        string[] Args(string outDirectory) =>
            ["shift", "--base", Model, "--answers", CliRun.DataPath, "--data", CliRun.DataPath, "--limit", "20", "--max-answer-tokens", "64", "--both", "--out", outDirectory];

        var run1 = await CliRun.RunAsync(Args(first.Path));
        var run2 = await CliRun.RunAsync(Args(second.Path));

        Assert.True(run1.Code == 0, run1.Error);
        Assert.True(run2.Code == 0, run2.Error);
        var report1 = CliRun.ReadJson(first.Combine("shift-report.json"));
        var report2 = CliRun.ReadJson(second.Combine("shift-report.json"));
        Assert.Equal(report1.GetProperty("modes").GetRawText(), report2.GetProperty("modes").GetRawText());

        var urial = Mode(report1, "urial");
        var plain = Mode(report1, "plain");
        Assert.Equal(20, urial.GetProperty("items").GetInt32());
        Assert.Equal(20 * 64, urial.GetProperty("tokens").GetInt32());
        Assert.Equal(urial.GetProperty("tokens").GetInt32(), plain.GetProperty("tokens").GetInt32());
        Assert.NotEqual(urial.GetProperty("unshifted").GetInt32(), plain.GetProperty("unshifted").GetInt32());
        foreach (var mode in new[] { urial, plain })
        {
            var sum = mode.GetProperty("unshifted").GetInt32() + mode.GetProperty("marginal").GetInt32() + mode.GetProperty("shifted").GetInt32();
            Assert.Equal(mode.GetProperty("tokens").GetInt32(), sum);
            Assert.InRange(mode.GetProperty("topShiftedTokens").GetArrayLength(), 1, 20);
            Assert.NotEmpty(mode.GetProperty("byPosition").EnumerateArray());
        }

        var html = await File.ReadAllTextAsync(first.Combine("shift-report.html"), TestContext.Current.CancellationToken);
        Assert.Contains("<svg", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("src=", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("href=", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@import", html, StringComparison.OrdinalIgnoreCase);

        // Figures for the record (visible with --output Detailed).
        TestContext.Current.SendDiagnosticMessage($"urial: {Figures(urial)}; plain: {Figures(plain)}");

        // A rerun on the same folder takes every item from the cache and writes the same report.
        var rerun = await CliRun.RunAsync(Args(first.Path));
        Assert.True(rerun.Code == 0, rerun.Error);
        Assert.Contains("nothing left to do", rerun.Error, StringComparison.Ordinal);
        Assert.Equal(report1.GetProperty("modes").GetRawText(), CliRun.ReadJson(first.Combine("shift-report.json")).GetProperty("modes").GetRawText());
    }

    [Fact]
    public async Task A_cancelled_shift_keeps_finished_items_and_the_rerun_completes_without_duplicates()
    {
        using var directory = new TempDirectory();
        string[] args = ["shift", "--base", Model, "--answers", CliRun.DataPath, "--data", CliRun.DataPath, "--limit", "6", "--max-answer-tokens", "16", "--without-urial", "--out", directory.Path];
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        using var error = new CancelOnLineWriter(cancellation, ": 2/6");

        var (code, _, _) = await CliRun.RunAsync(args, error, cancellation.Token);

        Assert.Equal(UrialCli.CancelledExitCode, code);
        Assert.False(File.Exists(directory.Combine("shift-report.json")));
        var kept = CliRun.Lines(directory.Path, "shift-plain-*.jsonl");
        Assert.Equal(2, kept.Length);

        var rerun = await CliRun.RunAsync(args);

        Assert.True(rerun.Code == 0, rerun.Error);
        Assert.Contains("4/4", rerun.Error, StringComparison.Ordinal);
        var ids = CliRun.Lines(directory.Path, "shift-plain-*.jsonl").Select(line => JsonDocument.Parse(line).RootElement.GetProperty("id").GetString()).ToList();
        Assert.Equal(["0", "1", "2", "3", "4", "5"], ids.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task An_aligned_model_without_a_chat_template_fails_clearly()
    {
        using var directory = new TempDirectory();

        var (code, _, error) = await CliRun.RunAsync("shift", "--base", Model, "--aligned", Model, "--data", CliRun.DataPath, "--limit", "1", "--out", directory.Path);

        Assert.Equal(2, code);
        Assert.Contains("has no chat template", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_aligned_model_with_a_chat_template_answers_through_it_and_its_answers_are_scored()
    {
        using var directory = new TempDirectory();
        var templated = directory.Combine("stories260K-chatml.gguf");
        GgufTemplateWriter.CopyWithTemplate(Model, templated, GgufTemplateWriter.ChatMlTemplate);
        var output = directory.Combine("out");

        var (code, _, error) = await CliRun.RunAsync(
            "shift", "--base", Model, "--aligned", templated, "--without-urial",
            "--data", CliRun.DataPath, "--limit", "2", "--max-answer-tokens", "24", "--out", output);

        Assert.True(code == 0, error);
        Assert.Contains("Generating aligned answers: 2/2", error, StringComparison.Ordinal);
        Assert.Equal(2, CliRun.Lines(output, "answers-*.jsonl").Length);
        var report = Mode(CliRun.ReadJson(Path.Combine(output, "shift-report.json")), "plain");
        Assert.Equal(2, report.GetProperty("items").GetInt32());
        Assert.True(report.GetProperty("tokens").GetInt32() > 0);
        using (var aligned = ScoringModel.Load(templated, new ModelSettings(ContextSize: 512, BatchSize: 64, GpuLayers: 0, Threads: null)))
        {
            Assert.Equal("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n", aligned.ApplyChatTemplate("Hi"));
        }

        Assert.Contains("its own chat template", CliRun.ReadJson(Path.Combine(output, "shift-report.json")).GetProperty("answersSource").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Both_an_aligned_model_and_an_answers_file_is_a_usage_error()
    {
        var (code, _, error) = await CliRun.RunAsync("shift", "--base", Model, "--aligned", Model, "--answers", CliRun.DataPath, "--data", CliRun.DataPath);

        Assert.Equal(2, code);
        Assert.Contains("exactly one of --aligned", error, StringComparison.Ordinal);
    }

    private static JsonElement Mode(JsonElement report, string name) =>
        report.GetProperty("modes").EnumerateArray().Single(mode => mode.GetProperty("mode").GetString() == name);

    private static string Figures(JsonElement mode) =>
        $"unshifted {mode.GetProperty("unshiftedPercent").GetDouble()}%, marginal {mode.GetProperty("marginalPercent").GetDouble()}%, shifted {mode.GetProperty("shiftedPercent").GetDouble()}% of {mode.GetProperty("tokens").GetInt32()} tokens";
}
