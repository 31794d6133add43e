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

/// <summary>The scored answer of one item in one mode: one line of the shift cache.</summary>
/// <param name="Id">The item id.</param>
/// <param name="Mode">The prompting mode (<c>urial</c> or <c>plain</c>).</param>
/// <param name="PromptTokens">The tokens before the answer (BOS included).</param>
/// <param name="AnswerTokens">The answer's tokens before truncation.</param>
/// <param name="Tokens">The scored answer tokens.</param>
/// <param name="Pieces">The text of each scored token.</param>
/// <param name="Ranks">The rank of each scored token in the base model's distribution (1 = its greedy choice).</param>
/// <param name="BaseTop">The base model's top token at each position.</param>
internal sealed record ShiftItemRecord(string Id, string Mode, int PromptTokens, int AnswerTokens, int[] Tokens, string[] Pieces, int[] Ranks, int[] BaseTop);
