using System.Globalization;
using LLama.Native;

namespace Urial.Cli;

/// <summary>Scores every aligned answer token with the base model, one mode at a time, cached per item (<c>shift-{mode}-*.jsonl</c>).</summary>
internal static class ShiftScorer
{
    public static async Task<List<ShiftItemRecord>> ScoreAsync(
        ScoringModel model,
        ShiftSettings settings,
        ShiftMode mode,
        List<InstructionItem> items,
        Dictionary<string, AlignedAnswer> answers,
        CliContext context,
        CancellationToken cancellationToken)
    {
        var name = ShiftPrompts.Name(mode);
        var answersSource = settings.AnswersPath is { } answersPath
            ? "file:" + Fingerprint.File(answersPath)
            : $"model:{Fingerprint.File(settings.AlignedPath!)}:{(settings.AlignedUsesChatTemplate ? "chat-template" : "same")}:token-ids";
        var key = Fingerprint.Of(
            Fingerprint.File(settings.BasePath),
            name,
            mode == ShiftMode.Urial ? Fingerprint.Text(settings.Prompt.Text) : string.Empty,
            answersSource,
            settings.MaxAnswerTokens.ToString(CultureInfo.InvariantCulture),
            settings.Model.ContextSize.ToString(CultureInfo.InvariantCulture));
        var store = new JsonlStore<ShiftItemRecord>(Path.Combine(settings.OutDirectory, $"shift-{name}-{key}.jsonl"), JsonOptions.Lines);
        var done = new Dictionary<string, ShiftItemRecord>(StringComparer.Ordinal);
        foreach (var record in store.ReadAll())
        {
            done.TryAdd(record.Id, record);
        }

        var todo = items.Where(item => !done.ContainsKey(item.Id)).ToList();
        if (todo.Count == 0)
        {
            await RunProgress.RunAsync(context, $"Scoring answers ({name})", 0, _ => Task.CompletedTask);
        }
        else
        {
            if (mode == ShiftMode.Urial)
            {
                await model.SetPrefixAsync(settings.Prompt.Text, cancellationToken);
            }
            else
            {
                model.ClearPrefix();
            }

            await RunProgress.RunAsync(context, $"Scoring answers ({name})", todo.Count, async itemDone =>
            {
                foreach (var item in todo)
                {
                    var record = await ScoreItemAsync(model, settings, mode, item, answers[item.Id], cancellationToken);
                    store.Append(record);
                    done[item.Id] = record;
                    itemDone($"id {item.Id}, {record.Tokens.Length} tokens");
                }
            });
        }

        return items.Select(item => done[item.Id]).ToList();
    }

    /// <summary>Ranks the answer tokens of one item.</summary>
    /// <remarks>
    /// An answer the aligned model generated here, with the base model's vocabulary, is ranked as its token ids, by
    /// replaying the generation's computation (<see cref="ScoringModel.RankAsGeneratedAsync"/>). Re-tokenizing its text
    /// would not give them back: SentencePiece's canonical tokenization of a text is often not the token sequence a
    /// model generated, and every position after the first difference would rank another history.
    /// An answer from a file is text: the whole text <c>prompt + answer</c> is tokenized (SentencePiece is not additive:
    /// a dummy-prefix space, merges across the seam) and the answer starts where its tokens stop agreeing with the
    /// prompt's own tokens; it is ranked in one batched pass (<see cref="ScoringModel.RankAsync"/>).
    /// </remarks>
    internal static async Task<ShiftItemRecord> ScoreItemAsync(ScoringModel model, ShiftSettings settings, ShiftMode mode, InstructionItem item, AlignedAnswer answer, CancellationToken cancellationToken)
    {
        var name = ShiftPrompts.Name(mode);
        var promptText = ShiftPrompts.Render(mode, settings.Prompt, item.Instruction);
        var promptTokens = model.Tokenize(promptText);
        if (answer.Tokens is { } ids && answer.Vocabulary == model.VocabularyFingerprint)
        {
            var kept = Math.Min(ids.Length, Math.Min(settings.MaxAnswerTokens, model.AnswerBudget(promptTokens.Length)));
            if (kept <= 0)
            {
                return new ShiftItemRecord(item.Id, name, promptTokens.Length, ids.Length, [], [], [], [], AsGenerated: true);
            }

            var scored = ids[..kept];
            var (generatedRanks, generatedTops) = await model.RankAsGeneratedAsync(promptTokens, [.. scored.Select(id => (LLamaToken)id)], cancellationToken);
            return new ShiftItemRecord(item.Id, name, promptTokens.Length, ids.Length, scored, scored.Select(model.TokenText).ToArray(), generatedRanks, generatedTops, AsGenerated: true);
        }

        var allTokens = model.Tokenize(promptText + answer.Text);
        var answerStart = CommonPrefixLength(promptTokens, allTokens);
        var answerTokens = allTokens.Length - answerStart;
        var keptText = Math.Min(answerTokens, Math.Min(settings.MaxAnswerTokens, model.AnswerBudget(answerStart)));
        if (keptText <= 0)
        {
            return new ShiftItemRecord(item.Id, name, answerStart, answerTokens, [], [], [], [], AsGenerated: false);
        }

        var tokens = allTokens[..(answerStart + keptText)];
        var (ranks, tops) = await model.RankAsync(tokens, answerStart, cancellationToken);
        var textIds = tokens[answerStart..].Select(token => (int)token).ToArray();
        return new ShiftItemRecord(item.Id, name, answerStart, answerTokens, textIds, textIds.Select(model.TokenText).ToArray(), ranks, tops, AsGenerated: false);
    }

    private static int CommonPrefixLength(LLamaToken[] a, LLamaToken[] b)
    {
        var length = 0;
        var limit = Math.Min(a.Length, b.Length);
        while (length < limit && a[length] == b[length])
        {
            length++;
        }

        // The answer starts after BOS at the least, so that the first answer token has logits to be ranked in.
        return Math.Max(length, 1);
    }
}
