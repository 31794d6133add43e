namespace Urial.SemanticKernel;

/// <summary>The <see cref="UrialTurnFormat.Fenced"/> layout: <c># Query:</c>/<c># Answer:</c> headings, bodies inside <c>```</c> fences.</summary>
/// <remarks>
/// A turn is <c>"\n# Query:\n```\n" + body + "\n```\n"</c>, byte-identical to the reference for ordinary messages.
/// Because every body line that starts with <c>```</c> is escaped, the first <c>"\n```\n"</c> after a body's
/// start is its closing fence.
/// </remarks>
internal sealed class FencedTurnLayout : TurnLayout
{
    /// <summary>Gets the shared instance.</summary>
    public static FencedTurnLayout Instance { get; } = new();

    private const string Fence = "```";
    private const string ClosingFence = "\n```\n";

    /// <inheritdoc/>
    public override UrialTurnFormat Format => UrialTurnFormat.Fenced;

    // The earliest match wins, so the longest separator that precedes a heading is cut with it: neither the
    // closing fence nor the blank line before the next heading reaches the caller.
    /// <inheritdoc/>
    public override IReadOnlyList<string> StopSequences { get; } = BuildStopSequences(
        ["\n```\n\n", "\n```\n", "```\n\n", "```\n", "\n\n", "\n", string.Empty],
        ["# Query", "# Answer", "# System", "# Tool result", "# Tools"]);

    /// <inheritdoc/>
    protected override string Suffix => ClosingFence;

    /// <inheritdoc/>
    protected override bool EscapesFences => true;

    /// <inheritdoc/>
    public override string Normalize(string text) => text;

    /// <inheritdoc/>
    protected override string Prefix(PromptTurnKind kind) => kind switch
    {
        PromptTurnKind.User => "\n# Query:\n" + Fence + "\n",
        PromptTurnKind.Assistant => "\n# Answer:\n" + Fence + "\n",
        PromptTurnKind.System => "\n# System:\n" + Fence + "\n",
        PromptTurnKind.ToolResult => "\n# Tool result:\n" + Fence + "\n",
        PromptTurnKind.Tools => "\n# Tools:\n" + Fence + "\n",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown turn kind."),
    };

    /// <inheritdoc/>
    protected override int FindBodyEnd(string rendered, int bodyStart) =>
        rendered.IndexOf(ClosingFence, bodyStart, StringComparison.Ordinal);
}
