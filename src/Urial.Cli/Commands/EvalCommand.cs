using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Spectre.Console;
using Urial.SemanticKernel;

namespace Urial.Cli;

/// <summary><c>urial eval</c>: answers with one or two URIAL-prompted base models, then scores every answer on the six just-eval aspects with a judge.</summary>
internal static class EvalCommand
{
    public static Command Create(CliContext context)
    {
        var data = CliOptions.Path("--data", "The instructions: a just-eval style JSON file (id, instruction).", required: true, helpName: "instructions.json");
        var model = CliOptions.Path("--model", "The base GGUF model that answers through URIAL.", required: true, helpName: "m.gguf");
        var compare = CliOptions.Path("--compare", "A second model that answers the same instructions, scored beside the first.", required: false, helpName: "m2.gguf");
        var judge = CliOptions.Path("--judge", "The judge: an http(s) base URL of an OpenAI-compatible server, or a local .gguf model.", required: true, helpName: "url|judge.gguf");
        var limit = CliOptions.OptionalInteger("--limit", "Only the first N instructions.", 1);
        var outDirectory = new Option<string>("--out") { Description = "The output folder: answers, judgments (resumable) and the summary.", DefaultValueFactory = _ => "urial-eval", HelpName = "dir" };
        var maxTokens = CliOptions.Integer("--max-tokens", "The most tokens of one answer.", 1, 512);
        var judgeMaxTokens = CliOptions.Integer("--judge-max-tokens", "The most tokens of one judgment.", 16, 1024);
        var rationaleChars = CliOptions.Integer("--rationale-chars", "The longest rationale per aspect (0 = none).", 0, 300);
        var judgeModel = new Option<string>("--judge-model") { Description = "The model name sent to a remote judge.", DefaultValueFactory = _ => "gpt-4o", HelpName = "name" };
        var prompt = new PromptOption();
        var models = new ModelOptions();
        var command = new Command("eval", "Answer instructions with URIAL-prompted base models and score every answer on the six just-eval aspects with a judge.")
        {
            data, model, compare, judge, limit, outDirectory, maxTokens, judgeMaxTokens, rationaleChars, judgeModel,
        };
        prompt.AddTo(command);
        models.AddTo(command);
        command.SetAction((result, cancellationToken) => RunAsync(
            new EvalSettings(
                result.GetValue(data)!,
                result.GetValue(compare) is { } second ? [result.GetValue(model)!, second] : [result.GetValue(model)!],
                result.GetValue(judge)!,
                result.GetValue(limit),
                result.GetValue(outDirectory)!,
                result.GetValue(maxTokens),
                result.GetValue(judgeMaxTokens),
                result.GetValue(rationaleChars),
                models.Read(result),
                result.GetValue(judgeModel)!,
                prompt.Read(result)),
            context,
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(EvalSettings settings, CliContext context, CancellationToken cancellationToken)
    {
        var (dataPath, models, judgeText, limit, outDirectory, maxTokens, judgeMaxTokens, rationaleChars, modelSettings, judgeModel, prompt) = settings;
        var items = InstructionFile.Load(dataPath, "data");
        if (limit is { } n)
        {
            items = items.Take(n).ToList();
        }

        // Every file is checked before the first model loads: a typo in --compare must not cost the first model's run.
        foreach (var model in models)
        {
            ModelFiles.Validate(model);
        }

        var remoteJudge = IsRemote(judgeText, out _);
        if (!remoteJudge)
        {
            ValidateJudgePath(judgeText);
        }

        Directory.CreateDirectory(outDirectory);
        var modelKeys = new List<(string Path, string Key)>();
        var answers = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        foreach (var model in models)
        {
            var key = Fingerprint.Of(Fingerprint.File(model), Fingerprint.Text(prompt.Text), maxTokens.ToString(CultureInfo.InvariantCulture));
            modelKeys.Add((model, key));
            answers[key] = await AnswerAsync(model, key, prompt, items, maxTokens, modelSettings, outDirectory, context, cancellationToken);
        }

        await using var judge = CreateJudge(judgeText, judgeModel, judgeMaxTokens, rationaleChars, modelSettings);
        var judgeKey = Fingerprint.Of(judge.Name, JudgeRubric.Version, rationaleChars.ToString(CultureInfo.InvariantCulture));
        var store = new JsonlStore<JudgmentRecord>(Path.Combine(outDirectory, $"judgments-{judgeKey}.jsonl"), JsonOptions.Lines);
        var judged = new Dictionary<(string, string), JudgmentRecord>();
        foreach (var record in store.ReadAll())
        {
            judged.TryAdd((record.ModelKey, record.Id), record);
        }

        var todo = modelKeys.SelectMany(model => items.Select(item => (model, item))).Where(x => !judged.ContainsKey((x.model.Key, x.item.Id))).ToList();
        var failed = 0;
        await RunProgress.RunAsync(context, $"Judging with {judge.Name}", todo.Count, async itemDone =>
        {
            foreach (var ((modelPath, modelKey), item) in todo)
            {
                var raw = await judge.JudgeAsync(item.Instruction, answers[modelKey][item.Id], cancellationToken);
                try
                {
                    var (scores, rationales) = JudgeRubric.Parse(raw);
                    var record = new JudgmentRecord(modelKey, Path.GetFileName(modelPath), item.Id, scores, rationales);
                    store.Append(record);
                    judged[(modelKey, item.Id)] = record;
                }
                catch (FormatException exception)
                {
                    // Not cached: the next run asks the judge again.
                    failed++;
                    await context.Error.WriteLineAsync($"urial: item {item.Id} of {Path.GetFileName(modelPath)} was not scored: {exception.Message}");
                }

                itemDone($"{Path.GetFileName(modelPath)} id {item.Id}");
            }
        });

        var summary = Summarize(judge.Name, dataPath, items, modelKeys, judged, failed);
        var summaryPath = Path.Combine(outDirectory, "eval-summary.json");
        await File.WriteAllTextAsync(summaryPath, JsonSerializer.Serialize(summary, JsonOptions.Indented), cancellationToken);
        WriteTable(summary, context);
        await context.Output.WriteLineAsync($"Wrote {summaryPath} and {store.Path}.");
        return failed == 0 ? 0 : 1;
    }

    private static IJudge CreateJudge(string judge, string judgeModel, int maxTokens, int rationaleChars, ModelSettings settings)
    {
        if (IsRemote(judge, out var uri))
        {
            return new RemoteJudge(uri, judgeModel, maxTokens, rationaleChars);
        }

        ValidateJudgePath(judge);
        return new LocalJudge(judge, settings, maxTokens, rationaleChars);
    }

    private static bool IsRemote(string judge, out Uri uri) =>
        Uri.TryCreate(judge, UriKind.Absolute, out uri!) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    private static void ValidateJudgePath(string judge)
    {
        if (!judge.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase))
        {
            throw new CliException($"--judge '{judge}' is neither an http(s) base URL of an OpenAI-compatible server nor a .gguf file.");
        }

        ModelFiles.Validate(judge);
    }

    private static async Task<Dictionary<string, string>> AnswerAsync(
        string model, string key, UrialPrompt prompt, List<InstructionItem> items, int maxTokens, ModelSettings settings, string outDirectory, CliContext context, CancellationToken cancellationToken)
    {
        var store = new JsonlStore<AnswerRecord>(Path.Combine(outDirectory, $"answers-{key}.jsonl"), JsonOptions.Lines);
        var answers = AnswerRecord.ReadAll(store);

        var todo = items.Where(item => !answers.ContainsKey(item.Id)).ToList();
        if (todo.Count == 0)
        {
            return answers;
        }

        NativeLog.Silence();
        await using var client = UrialChatClient.FromModel(model, prompt, settings.Apply);
        var chatOptions = new ChatOptions { Temperature = 0, MaxOutputTokens = maxTokens };
        await RunProgress.RunAsync(context, $"Answering with {Path.GetFileName(model)}", todo.Count, async itemDone =>
        {
            foreach (var item in todo)
            {
                var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, item.Instruction)], chatOptions, cancellationToken);
                store.Append(new AnswerRecord(item.Id, response.Text));
                answers[item.Id] = response.Text;
                itemDone($"id {item.Id}");
            }
        });
        return answers;
    }

    private static EvalSummary Summarize(string judge, string dataPath, List<InstructionItem> items, List<(string Path, string Key)> models, Dictionary<(string, string), JudgmentRecord> judged, int failed)
    {
        var summaries = models.Select(model =>
        {
            var records = items.Select(item => judged.GetValueOrDefault((model.Key, item.Id))).OfType<JudgmentRecord>().ToList();
            var means = JudgeRubric.Aspects.ToDictionary(
                aspect => aspect.Aspect,
                aspect => records.Count == 0 ? 0 : Math.Round(records.Average(record => record.Scores[aspect.Aspect]), 3),
                StringComparer.Ordinal);
            var overall = records.Count == 0 ? 0 : Math.Round(means.Values.Average(), 3);
            return new ModelSummary(Path.GetFileName(model.Path), model.Path, records.Count, means, overall);
        }).ToList();
        return new EvalSummary(judge, JudgeRubric.Version, Path.GetFileName(dataPath), items.Count, summaries, failed);
    }

    private static void WriteTable(EvalSummary summary, CliContext context)
    {
        var table = new Table().Title(Markup.Escape($"Mean scores (1-5), judge {summary.Judge}, {summary.Items} items"));
        table.AddColumn("model");
        table.AddColumn("judged");
        foreach (var (aspect, _, _) in JudgeRubric.Aspects)
        {
            table.AddColumn(aspect);
        }

        table.AddColumn("overall");
        foreach (var model in summary.Models)
        {
            var cells = new List<string> { Markup.Escape(model.Model), model.Judged.ToString(CultureInfo.InvariantCulture) };
            cells.AddRange(JudgeRubric.Aspects.Select(aspect => model.Means[aspect.Aspect].ToString("0.00", CultureInfo.InvariantCulture)));
            cells.Add(model.Overall.ToString("0.00", CultureInfo.InvariantCulture));
            table.AddRow(cells.ToArray());
        }

        context.Console.Write(table);
    }
}

/// <summary>The settings of one <c>urial eval</c> run, validated by the parser.</summary>
internal sealed record EvalSettings(
    string DataPath,
    IReadOnlyList<string> Models,
    string Judge,
    int? Limit,
    string OutDirectory,
    int MaxTokens,
    int JudgeMaxTokens,
    int RationaleChars,
    ModelSettings Model,
    string JudgeModel,
    UrialPrompt Prompt);
