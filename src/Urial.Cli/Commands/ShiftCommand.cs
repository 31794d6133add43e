using System.CommandLine;

namespace Urial.Cli;

/// <summary><c>urial shift</c>: the token distribution shift analysis of URIAL (Lin et al., ICLR 2024).</summary>
internal static class ShiftCommand
{
    public static Command Create(CliContext context)
    {
        var options = new ShiftOptions();
        var command = new Command("shift", "Measure the token distribution shift between a base model and aligned answers (JSON + HTML report).");
        options.AddTo(command);
        command.SetAction((result, cancellationToken) => RunAsync(options.Read(result), context, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(ShiftSettings settings, CliContext context, CancellationToken cancellationToken)
    {
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
        using (var model = ScoringModel.Load(settings.BasePath, settings.Model))
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

    private static Dictionary<string, AlignedAnswer> AnswersFromFile(string path, List<InstructionItem> items)
    {
        var byId = new Dictionary<string, AlignedAnswer>(StringComparer.Ordinal);
        foreach (var item in InstructionFile.Load(path, "answers"))
        {
            if (item.Output is not null)
            {
                byId.TryAdd(item.Id, new AlignedAnswer(item.Output));
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
