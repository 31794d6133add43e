using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Urial.Cli;

/// <summary>Greedy answers of the aligned model, cached in the output folder (<c>answers-*.jsonl</c>).</summary>
internal static class AlignedAnswers
{
    public static async Task<Dictionary<string, string>> GenerateAsync(ShiftSettings settings, List<InstructionItem> items, CliContext context, CancellationToken cancellationToken)
    {
        var alignedPath = settings.AlignedPath!;
        ModelFiles.Validate(alignedPath);
        var prompting = settings.AlignedUsesChatTemplate ? "chat-template" : "same-" + ShiftPrompts.Name(settings.Modes[0]);
        var key = Fingerprint.Of(Fingerprint.File(alignedPath), prompting, settings.MaxAnswerTokens.ToString(CultureInfo.InvariantCulture),
            settings.AlignedUsesChatTemplate ? string.Empty : Fingerprint.Text(settings.Prompt.Text));
        var store = new JsonlStore<AnswerRecord>(Path.Combine(settings.OutDirectory, $"answers-{key}.jsonl"), JsonOptions.Lines);
        var answers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var record in store.ReadAll())
        {
            answers.TryAdd(record.Id, record.Answer);
        }

        var todo = items.Where(item => !answers.ContainsKey(item.Id)).ToList();
        if (todo.Count == 0)
        {
            return answers;
        }

        using var model = ScoringModel.Load(alignedPath, settings.ContextSize, settings.BatchSize, settings.GpuLayers);
        if (settings.AlignedUsesChatTemplate && model.ChatTemplate is null)
        {
            throw new CliException(
                $"The aligned model '{alignedPath}' has no chat template (no tokenizer.chat_template in its GGUF metadata), so it cannot be prompted as a chat model. " +
                "Use an instruction-tuned GGUF that carries its template, pass its answers with --answers, or prompt it exactly like the base model with --aligned-prompting same.");
        }

        if (!settings.AlignedUsesChatTemplate && settings.Modes[0] == ShiftMode.Urial)
        {
            await model.SetPrefixAsync(settings.Prompt.Text, cancellationToken);
        }

        await RunProgress.RunAsync(context, "Generating aligned answers", todo.Count, async itemDone =>
        {
            foreach (var item in todo)
            {
                var tokens = settings.AlignedUsesChatTemplate
                    ? model.TokenizeTemplated(model.ApplyChatTemplate(item.Instruction))
                    : model.Tokenize(ShiftPrompts.Render(settings.Modes[0], settings.Prompt, item.Instruction));
                var output = await model.GenerateGreedyAsync(tokens, settings.MaxAnswerTokens, cancellationToken);
                var answer = model.Detokenize(output);
                store.Append(new AnswerRecord(item.Id, answer));
                answers[item.Id] = answer;
                itemDone($"id {item.Id}, {output.Length} tokens");
            }
        });
        return answers;
    }
}

/// <summary>Short stable keys for cache file names: a changed model, prompt or option never reuses stale results.</summary>
internal static class Fingerprint
{
    public static string Of(params string[] parts) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\u001f', parts))))[..12];

    /// <summary>Identifies a file by name, size and modification time (hashing a 4 GB model would take a minute).</summary>
    public static string File(string path)
    {
        var info = new FileInfo(path);
        return string.Create(CultureInfo.InvariantCulture, $"{info.Name}|{info.Length}|{info.LastWriteTimeUtc.Ticks}");
    }

    public static string Text(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
}

/// <summary>The JSON settings of cache lines and reports.</summary>
internal static class JsonOptions
{
    public static readonly JsonSerializerOptions Lines = new(JsonSerializerDefaults.Web);

    public static readonly JsonSerializerOptions Indented = new(JsonSerializerDefaults.Web) { WriteIndented = true };
}
