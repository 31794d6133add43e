namespace Urial.Benchmarks;

/// <summary>
/// The bars a run is judged against: issue 13's on the realistic synthetic shape, where weights dominate every step;
/// issues 5 and 6's on the toy model, whose rows are kept as they were.
/// </summary>
internal sealed record Targets(double TtftOverRaw, double Turn8OverTurn1, double Concurrent8, double? Concurrent16, double PipelineOverRaw)
{
    public static Targets For(BenchArgs args) => args.Synthetic
        ? new Targets(TtftOverRaw: 1.05, Turn8OverTurn1: 1.3, Concurrent8: 2.5, Concurrent16: 3, PipelineOverRaw: 0.95)
        : new Targets(TtftOverRaw: 1.1, Turn8OverTurn1: 1.5, Concurrent8: 1.5, Concurrent16: null, PipelineOverRaw: 0.9);

    /// <summary>Returns the target column and verdict for an at-most bar.</summary>
    public static (string Target, string Verdict) AtMost(double value, double bar) => ($"≤ {Report.F(bar)}", Report.Verdict(value <= bar, value, bar, atMost: true));

    /// <summary>Returns the target column and verdict for an at-least bar.</summary>
    public static (string Target, string Verdict) AtLeast(double value, double bar) => ($"≥ {Report.F(bar)}", Report.Verdict(value >= bar, value, bar, atMost: false));
}
