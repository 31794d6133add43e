using Urial.SemanticKernel;

namespace Urial.Cli;

/// <summary><c>urial shift</c>: the token distribution shift analysis of URIAL (Lin et al., ICLR 2024, section 2).</summary>
internal static class ShiftCommand
{
    public static async Task<int> RunAsync(Arguments options, CliContext context, CancellationToken cancellationToken)
    {
        var settings = ShiftSettings.Read(options);
        options.EnsureAllRead();
        Directory.CreateDirectory(settings.OutDirectory);

        var items = InstructionFile.Load(settings.DataPath, "data");
        if (settings.Limit is { } limit)
        {
            items = items.Take(limit).ToList();
        }

        var answers = settings.AnswersPath is not null
            ? AnswersFromFile(settings.AnswersPath, items)
            : await AlignedAnswers.GenerateAsync(settings, items, context, cancellationToken);

        var results = new Dictionary<ShiftMode, List<ShiftItemRecord>>();
        ShiftReport report;
        using (var model = ScoringModel.Load(settings.BasePath, settings.ContextSize, settings.BatchSize, settings.GpuLayers))
        {
            foreach (var mode in settings.Modes)
            {
                results[mode] = await ShiftScorer.ScoreAsync(model, settings, mode, items, answers, context, cancellationToken);
            }

            report = ShiftStatistics.Build(settings, items.Count, results, model.TokenText);
        }

        var jsonPath = Path.Combine(settings.OutDirectory, "shift-report.json");
        var htmlPath = Path.Combine(settings.OutDirectory, "shift-report.html");
        await File.WriteAllTextAsync(jsonPath, ShiftReportWriter.ToJson(report), cancellationToken);
        await File.WriteAllTextAsync(htmlPath, ShiftHtml.Render(report), cancellationToken);
        ShiftReportWriter.WriteSummary(report, context);
        await context.Output.WriteLineAsync($"Wrote {jsonPath} and {htmlPath}.");
        return 0;
    }

    private static Dictionary<string, string> AnswersFromFile(string path, List<InstructionItem> items)
    {
        var byId = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in InstructionFile.Load(path, "answers"))
        {
            if (item.Output is not null)
            {
                byId.TryAdd(item.Id, item.Output);
            }
        }

        foreach (var item in items)
        {
            if (!byId.ContainsKey(item.Id))
            {
                throw new CliException($"The answers file '{path}' has no string \"output\" for item id {item.Id}.");
            }
        }

        return byId;
    }
}

/// <summary>The options of <c>urial shift</c>, validated once.</summary>
internal sealed record ShiftSettings(
    string BasePath,
    string? AlignedPath,
    string? AnswersPath,
    string DataPath,
    int? Limit,
    IReadOnlyList<ShiftMode> Modes,
    string OutDirectory,
    int MaxAnswerTokens,
    bool AlignedUsesChatTemplate,
    int ContextSize,
    int BatchSize,
    int GpuLayers,
    UrialPrompt Prompt)
{
    public static ShiftSettings Read(Arguments options)
    {
        var basePath = options.Required("base");
        var aligned = options.Optional("aligned");
        var answers = options.Optional("answers");
        if ((aligned is null) == (answers is null))
        {
            throw new CliException("Give exactly one of --aligned (an aligned model that answers) and --answers (a file of aligned answers).");
        }

        var with = options.Flag("with-urial");
        var without = options.Flag("without-urial");
        var both = options.Flag("both");
        if ((with ? 1 : 0) + (without ? 1 : 0) + (both ? 1 : 0) > 1)
        {
            throw new CliException("Give at most one of --with-urial, --without-urial and --both.");
        }

        IReadOnlyList<ShiftMode> modes = with ? [ShiftMode.Urial] : without ? [ShiftMode.Plain] : [ShiftMode.Urial, ShiftMode.Plain];
        var alignedPrompting = options.Optional("aligned-prompting") ?? "chat-template";
        if (alignedPrompting is not ("chat-template" or "same"))
        {
            throw new CliException("--aligned-prompting is 'chat-template' (the aligned model's own template) or 'same' (exactly the base model's prompt).");
        }

        if (alignedPrompting == "same" && modes.Count != 1)
        {
            throw new CliException("--aligned-prompting same needs one prompting mode: add --with-urial or --without-urial.");
        }

        if (answers is not null && options.Optional("aligned-prompting") is not null)
        {
            throw new CliException("--aligned-prompting applies to --aligned only.");
        }

        var batch = options.OptionalInt("batch", 8) ?? 512;
        return new ShiftSettings(
            basePath,
            aligned,
            answers,
            options.Required("data"),
            options.OptionalInt("limit", 1),
            modes,
            options.Optional("out") ?? "urial-shift",
            options.OptionalInt("max-answer-tokens", 1) ?? 1024,
            alignedPrompting == "chat-template",
            options.OptionalInt("context", 256) ?? 8192,
            batch,
            options.OptionalInt("gpu-layers", -1) ?? 0,
            PromptOption.Read(options));
    }
}
