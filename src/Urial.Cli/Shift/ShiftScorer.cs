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
        Dictionary<string, string> answers,
        CliContext context,
        CancellationToken cancellationToken)
    {
        var name = ShiftPrompts.Name(mode);
        var answersSource = settings.AnswersPath is { } answersPath
            ? "file:" + Fingerprint.File(answersPath)
            : $"model:{Fingerprint.File(settings.AlignedPath!)}:{(settings.AlignedUsesChatTemplate ? "chat-template" : "same")}";
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

    /// <summary>Ranks the answer tokens of one item; the answer's token span is found in the tokenization of the whole text.</summary>
    /// <remarks>
    /// SentencePiece is not additive (a dummy-prefix space, merges across the seam), so prompt and answer are not tokenized
    /// apart: the whole text is tokenized and the answer starts where its tokens stop agreeing with the prompt's own tokens.
    /// </remarks>
    internal static async Task<ShiftItemRecord> ScoreItemAsync(ScoringModel model, ShiftSettings settings, ShiftMode mode, InstructionItem item, string answer, CancellationToken cancellationToken)
    {
        var promptText = ShiftPrompts.Render(mode, settings.Prompt, item.Instruction);
        var promptTokens = model.Tokenize(promptText);
        var allTokens = model.Tokenize(promptText + answer);
        var answerStart = CommonPrefixLength(promptTokens, allTokens);
        var answerTokens = allTokens.Length - answerStart;
        var kept = Math.Min(answerTokens, Math.Min(settings.MaxAnswerTokens, model.AnswerBudget(answerStart)));
        if (kept <= 0)
        {
            return new ShiftItemRecord(item.Id, ShiftPrompts.Name(mode), answerStart, answerTokens, [], [], [], []);
        }

        var tokens = allTokens[..(answerStart + kept)];
        var (ranks, tops) = await model.RankAsync(tokens, answerStart, cancellationToken);
        var ids = tokens[answerStart..].Select(token => (int)token).ToArray();
        return new ShiftItemRecord(item.Id, ShiftPrompts.Name(mode), answerStart, answerTokens, ids, ids.Select(model.TokenText).ToArray(), ranks, tops);
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
