using System.Text;

namespace Urial.SemanticKernel;

/// <summary>The <see cref="UrialTurnFormat.Headings"/> layout: <c># User:</c>/<c># Assistant:</c> headings, no fences.</summary>
/// <remarks>
/// A turn is <c>"\n\n# User:\n" + body.Trim('\n') + "\n"</c>, byte-identical to the reference for ordinary
/// messages; the reference's trimming of leading and trailing newlines is the one change a message undergoes.
/// Because every body line that could start a heading is escaped, the first <c>"\n\n\n# Role:\n"</c> after a
/// body's start is the next turn.
/// </remarks>
internal sealed class HeadingsTurnLayout : TurnLayout
{
    /// <summary>Gets the shared instance.</summary>
    public static HeadingsTurnLayout Instance { get; } = new();

    private static readonly string[] s_nextTurns =
        ["\n\n\n# User:\n", "\n\n\n# Assistant:\n", "\n\n\n# System:\n", "\n\n\n# Tool result:\n", "\n\n\n# Tools:\n"];

    /// <inheritdoc/>
    public override UrialTurnFormat Format => UrialTurnFormat.Headings;

    // The earliest match wins, so the blank lines before the next heading are cut with it.
    /// <inheritdoc/>
    public override IReadOnlyList<string> StopSequences { get; } = BuildStopSequences(
        ["\n\n\n", "\n\n", "\n", string.Empty],
        ["# User", "# Assistant", "# System", "# Tool result", "# Tools"]);

    /// <inheritdoc/>
    protected override string AnswerOpening => Heading(PromptTurnKind.Assistant);

    /// <inheritdoc/>
    public override string Normalize(string text) => text.Trim('\n');

    /// <inheritdoc/>
    /// <remarks>A body ends where its newlines begin: the format trims them from every turn.</remarks>
    public override int AnswerEndLength(string answer) => answer.Length - answer.TrimEnd('\n').Length;

    /// <inheritdoc/>
    protected override void AppendFramed(StringBuilder builder, PromptTurnKind kind, string body) =>
        builder.Append(Heading(kind)).Append(body).Append('\n');

    /// <inheritdoc/>
    protected override (PromptTurnKind Kind, int BodyStart, int BodyEnd, int Next) ReadFramed(string rendered, int position)
    {
        var kind = MatchHeading(rendered, position, Heading) ?? throw Invalid($"expected a turn heading at offset {position}");
        var bodyStart = position + Heading(kind).Length;
        var end = -1;
        foreach (var next in s_nextTurns)
        {
            var index = rendered.IndexOf(next, bodyStart, StringComparison.Ordinal);
            if (index >= 0 && (end < 0 || index < end))
            {
                end = index;
            }
        }

        return end < 0 ? throw Invalid($"the turn starting at offset {position} is not closed") : (kind, bodyStart, end, end + 1);
    }

    private static string Heading(PromptTurnKind kind) => kind switch
    {
        PromptTurnKind.User => "\n\n# User:\n",
        PromptTurnKind.Assistant => "\n\n# Assistant:\n",
        PromptTurnKind.System => "\n\n# System:\n",
        PromptTurnKind.ToolResult => "\n\n# Tool result:\n",
        PromptTurnKind.Tools => "\n\n# Tools:\n",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown turn kind."),
    };
}
