using System.Globalization;

namespace Urial.Cli;

/// <summary>Greedy answers of the aligned model with their token ids, cached in the output folder (<c>answers-*.jsonl</c>).</summary>
internal static class AlignedAnswers
{
    public static async Task<Dictionary<string, AlignedAnswer>> GenerateAsync(ShiftSettings settings, List<InstructionItem> items, CliContext context, CancellationToken cancellationToken)
    {
        var alignedPath = settings.AlignedPath!;
        ModelFiles.Validate(alignedPath);
        var prompting = settings.AlignedUsesChatTemplate ? "chat-template" : "same-" + ShiftPrompts.Name(settings.Modes[0]);
        var key = Fingerprint.Of("token-ids", Fingerprint.File(alignedPath), prompting, settings.MaxAnswerTokens.ToString(CultureInfo.InvariantCulture),
            settings.AlignedUsesChatTemplate ? string.Empty : Fingerprint.Text(settings.Prompt.Text));
        var store = new JsonlStore<GeneratedAnswerRecord>(Path.Combine(settings.OutDirectory, $"answers-{key}.jsonl"), JsonOptions.Lines);
        var answers = new Dictionary<string, AlignedAnswer>(StringComparer.Ordinal);
        foreach (var record in store.ReadAll())
        {
            answers.TryAdd(record.Id, new AlignedAnswer(record.Answer, record.Tokens, record.Vocabulary));
        }

        var todo = items.Where(item => !answers.ContainsKey(item.Id)).ToList();
        if (todo.Count == 0)
        {
            return answers;
        }

        using var model = ScoringModel.Load(alignedPath, settings.Model);
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
                var record = new GeneratedAnswerRecord(item.Id, model.Detokenize(output), [.. output.Select(token => (int)token)], model.VocabularyFingerprint);
                store.Append(record);
                answers[item.Id] = new AlignedAnswer(record.Answer, record.Tokens, record.Vocabulary);
                itemDone($"id {item.Id}, {output.Length} tokens");
            }
        });
        return answers;
    }
}
