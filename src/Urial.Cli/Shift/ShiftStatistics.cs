namespace Urial.Cli;

/// <summary>The shift figures of one prompting mode.</summary>
internal sealed record ShiftModeReport(
    string Mode,
    string PromptFormat,
    string Scoring,
    int Items,
    int Tokens,
    int Unshifted,
    int Marginal,
    int Shifted,
    double UnshiftedPercent,
    double MarginalPercent,
    double ShiftedPercent,
    IReadOnlyList<ShiftedToken> TopShiftedTokens,
    IReadOnlyList<PositionBucket> ByPosition);

/// <summary>A token and how often it was shifted (rank &gt; 3), with the base model's most frequent choice in its place.</summary>
internal sealed record ShiftedToken(int Token, string Text, int Count, string BaseTopText);

/// <summary>Shift figures of the answer positions <see cref="From"/>..<see cref="To"/> (1-based, inclusive; <see cref="To"/> null = no end).</summary>
internal sealed record PositionBucket(int From, int? To, int Tokens, double UnshiftedPercent, double MarginalPercent, double ShiftedPercent);

/// <summary>The whole report of one <c>urial shift</c> run.</summary>
internal sealed record ShiftReport(
    string BaseModel,
    string AnswersSource,
    string Data,
    int Items,
    int MaxAnswerTokens,
    string Definition,
    IReadOnlyList<ShiftModeReport> Modes);

/// <summary>Turns per-item ranks into the paper's three classes: unshifted (rank 1), marginal (2–3), shifted (&gt; 3).</summary>
internal static class ShiftStatistics
{
    private static readonly (int From, int? To)[] Buckets = [(1, 5), (6, 10), (11, 20), (21, 50), (51, 100), (101, 200), (201, 500), (501, null)];

    public static ShiftReport Build(ShiftSettings settings, int items, Dictionary<ShiftMode, List<ShiftItemRecord>> results, Func<int, string> tokenText)
    {
        var answers = settings.AnswersPath is { } path
            ? $"file {Path.GetFileName(path)} (field \"output\")"
            : $"greedy answers of {Path.GetFileName(settings.AlignedPath)} ({(settings.AlignedUsesChatTemplate ? "its own chat template" : "prompted exactly like the base model")})";
        var modes = results.Select(pair => ForMode(pair.Key, settings, pair.Value, tokenText)).ToList();
        return new ShiftReport(
            Path.GetFileName(settings.BasePath),
            answers,
            Path.GetFileName(settings.DataPath),
            items,
            settings.MaxAnswerTokens,
            "rank of the aligned answer's token in the base model's next-token distribution: 1 = unshifted, 2-3 = marginal, >3 = shifted",
            modes);
    }

    internal static ShiftModeReport ForMode(ShiftMode mode, ShiftSettings settings, List<ShiftItemRecord> records, Func<int, string> tokenText)
    {
        var ranks = records.SelectMany(record => record.Ranks).ToList();
        var (unshifted, marginal, shifted) = Classify(ranks);
        var shiftedTokens = records
            .SelectMany(record => record.Ranks.Select((rank, i) => (rank, token: record.Tokens[i], text: record.Pieces[i], top: record.BaseTop[i])))
            .Where(x => x.rank > 3)
            .GroupBy(x => x.token)
            .Select(group => new ShiftedToken(
                group.Key,
                group.First().text,
                group.Count(),
                tokenText(group.GroupBy(x => x.top).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).First().Key)))
            .OrderByDescending(token => token.Count)
            .ThenBy(token => token.Token)
            .Take(20)
            .ToList();
        var byPosition = Buckets.Select(bucket =>
        {
            var inBucket = records
                .SelectMany(record => record.Ranks.Select((rank, i) => (rank, position: i + 1)))
                .Where(x => x.position >= bucket.From && (bucket.To is null || x.position <= bucket.To))
                .Select(x => x.rank)
                .ToList();
            var (u, m, s) = Classify(inBucket);
            return new PositionBucket(bucket.From, bucket.To, inBucket.Count, Percent(u, inBucket.Count), Percent(m, inBucket.Count), Percent(s, inBucket.Count));
        }).Where(bucket => bucket.Tokens > 0).ToList();
        var format = mode == ShiftMode.Urial
            ? $"BOS + URIAL prompt '{settings.Prompt.Name}' rendered for the one user message (UrialPrompt.Render), then the answer"
            : "BOS + the instruction + \"\\n\\n\", then the answer";
        var asGenerated = records.Count(record => record.AsGenerated);
        var scoring = asGenerated == records.Count
            ? "the aligned model's own token ids, ranked by replaying their greedy generation (prompt in --batch chunks, then one token per decode)"
            : asGenerated == 0
                ? "the answer text tokenized by the base model (whole prompt + answer), ranked in batched passes of at most --batch tokens"
                : $"{asGenerated} answers as generated token ids (replayed), {records.Count - asGenerated} as text tokenized by the base model (batched)";
        return new ShiftModeReport(
            ShiftPrompts.Name(mode), format, scoring, records.Count, ranks.Count, unshifted, marginal, shifted,
            Percent(unshifted, ranks.Count), Percent(marginal, ranks.Count), Percent(shifted, ranks.Count), shiftedTokens, byPosition);
    }

    private static (int Unshifted, int Marginal, int Shifted) Classify(List<int> ranks) =>
        (ranks.Count(rank => rank == 1), ranks.Count(rank => rank is 2 or 3), ranks.Count(rank => rank > 3));

    private static double Percent(int count, int total) => total == 0 ? 0 : Math.Round(100.0 * count / total, 2);
}
