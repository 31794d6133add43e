namespace Urial.Cli;

/// <summary>An aligned answer, cached per item so that generating answers is resumable.</summary>
/// <param name="Id">The item id.</param>
/// <param name="Answer">The answer text.</param>
internal sealed record AnswerRecord(string Id, string Answer)
{
    /// <summary>Reads the answers a previous (possibly interrupted) run already stored, by instruction id; the first one for an id wins.</summary>
    public static Dictionary<string, string> ReadAll(JsonlStore<AnswerRecord> store)
    {
        var answers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var record in store.ReadAll())
        {
            answers.TryAdd(record.Id, record.Answer);
        }

        return answers;
    }
}

/// <summary>An aligned answer to score: its text, and the aligned model's own token ids when it was generated here.</summary>
/// <param name="Text">The answer text.</param>
/// <param name="Tokens">The generated token ids, or <see langword="null"/> for an answer read from a file.</param>
/// <param name="Vocabulary">The <see cref="ScoringModel.VocabularyFingerprint"/> of the model that generated <paramref name="Tokens"/>.</param>
internal sealed record AlignedAnswer(string Text, int[]? Tokens = null, string? Vocabulary = null);

/// <summary>A greedy answer of the aligned model, cached per item: its text and its token ids.</summary>
/// <param name="Id">The item id.</param>
/// <param name="Answer">The answer text.</param>
/// <param name="Tokens">The generated token ids, end-of-generation excluded.</param>
/// <param name="Vocabulary">The <see cref="ScoringModel.VocabularyFingerprint"/> of the model that generated them.</param>
internal sealed record GeneratedAnswerRecord(string Id, string Answer, int[] Tokens, string Vocabulary);

/// <summary>The scored answer of one item in one mode: one line of the shift cache.</summary>
/// <param name="Id">The item id.</param>
/// <param name="Mode">The prompting mode (<c>urial</c> or <c>plain</c>).</param>
/// <param name="PromptTokens">The tokens before the answer (BOS included).</param>
/// <param name="AnswerTokens">The answer's tokens before truncation.</param>
/// <param name="Tokens">The scored answer tokens.</param>
/// <param name="Pieces">The text of each scored token.</param>
/// <param name="Ranks">The rank of each scored token in the base model's distribution (1 = its greedy choice).</param>
/// <param name="BaseTop">The base model's top token at each position.</param>
/// <param name="AsGenerated">Whether the aligned model's own token ids were ranked by replaying their generation (else the answer text was tokenized by the base model and ranked in batches).</param>
internal sealed record ShiftItemRecord(string Id, string Mode, int PromptTokens, int AnswerTokens, int[] Tokens, string[] Pieces, int[] Ranks, int[] BaseTop, bool AsGenerated);
