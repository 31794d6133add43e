namespace Urial.Cli;

/// <summary>One judged answer: a line of <c>judgments-*.jsonl</c>.</summary>
/// <param name="ModelKey">Identifies the answering model and its generation settings.</param>
/// <param name="Model">The answering model's file name.</param>
/// <param name="Id">The item id.</param>
/// <param name="Scores">The score 1–5 per aspect.</param>
/// <param name="Rationales">The judge's rationale per aspect, when asked for.</param>
internal sealed record JudgmentRecord(string ModelKey, string Model, string Id, Dictionary<string, int> Scores, Dictionary<string, string> Rationales);

/// <summary>The mean scores of one model.</summary>
internal sealed record ModelSummary(string Model, string File, int Judged, Dictionary<string, double> Means, double Overall);

/// <summary>The summary of one <c>urial eval</c> run.</summary>
internal sealed record EvalSummary(string Judge, string Rubric, string Data, int Items, IReadOnlyList<ModelSummary> Models, int Failed);
