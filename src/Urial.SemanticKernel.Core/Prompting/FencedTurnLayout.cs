using System.Text;

namespace Urial.SemanticKernel;

/// <summary>The <see cref="UrialTurnFormat.Fenced"/> layout: <c># Query:</c>/<c># Answer:</c> headings, bodies inside code fences.</summary>
/// <remarks>
/// A turn is <c>"\n# Query:\n" + fence + "\n" + body + "\n" + fence + "\n"</c>. The fence is <c>```</c>, byte-identical to
/// the reference, unless the body holds a run of three or more backticks: then the fence is one backtick longer than the
/// longest run, the way CommonMark intends, so no line of the body can close it and code blocks inside a message stay
/// code inside its turn. The answer the model continues is always opened with <c>```</c>.
/// </remarks>
internal sealed class FencedTurnLayout : TurnLayout
{
    /// <summary>Gets the shared instance.</summary>
    public static FencedTurnLayout Instance { get; } = new();

    private const int MinimumFence = 3;

    /// <inheritdoc/>
    public override UrialTurnFormat Format => UrialTurnFormat.Fenced;

    // The earliest match wins, so the longest separator that precedes a heading is cut with it: neither the
    // closing fence nor the blank line before the next heading reaches the caller.
    /// <inheritdoc/>
    public override IReadOnlyList<string> StopSequences { get; } = BuildStopSequences(
        ["\n```\n\n", "\n```\n", "```\n\n", "```\n", "\n\n", "\n", string.Empty],
        ["# Query", "# Answer", "# System", "# Tool result", "# Tools"]);

    /// <inheritdoc/>
    protected override string AnswerOpening => Heading(PromptTurnKind.Assistant) + "```\n";

    /// <inheritdoc/>
    public override string Normalize(string text) => text;

    /// <inheritdoc/>
    /// <remarks>
    /// The answer's turn was opened with <c>```</c>; a last line of three or more backticks (then only blanks) closes it
    /// when the fences before it are paired, that is when the answer's own code blocks are all closed. An odd count
    /// means that last fence closes the answer's last code block, which is answer text.
    /// </remarks>
    public override int AnswerEndLength(string answer)
    {
        var end = answer.TrimEnd(' ', '\t', '\r', '\n');
        var lineStart = end.LastIndexOfAny(['\n', '\r']) + 1;
        var last = new MarkdownLine(end.AsSpan(lineStart));
        if (last.FenceCharacter != '`' || last.Indent != 0 || !last.Closes('`', 3))
        {
            return 0;
        }

        var fencesBefore = 0;
        foreach (var line in end[..lineStart].Split('\n'))
        {
            if (new MarkdownLine(line.TrimEnd('\r')).FenceCharacter != '\0')
            {
                fencesBefore++;
            }
        }

        if (fencesBefore % 2 != 0)
        {
            return 0;
        }

        // The line break before the fence belongs to the closing too.
        var cut = lineStart > 0 && answer[lineStart - 1] == '\n' ? lineStart - 1 : lineStart;
        cut = cut > 0 && answer[cut - 1] == '\r' ? cut - 1 : cut;
        return answer.Length - cut;
    }

    /// <summary>Returns the fence that encloses <paramref name="body"/>: <c>```</c>, or one backtick longer than the body's longest run.</summary>
    /// <param name="body">The escaped body.</param>
    /// <returns>The fence.</returns>
    public static string FenceFor(string body)
    {
        int longest = 0, run = 0;
        foreach (var c in body)
        {
            run = c == '`' ? run + 1 : 0;
            longest = Math.Max(longest, run);
        }

        return new string('`', Math.Max(MinimumFence, longest + 1));
    }

    /// <inheritdoc/>
    protected override void AppendFramed(StringBuilder builder, PromptTurnKind kind, string body)
    {
        var fence = FenceFor(body);
        builder.Append(Heading(kind)).Append(fence).Append('\n').Append(body).Append('\n').Append(fence).Append('\n');
    }

    /// <inheritdoc/>
    protected override (PromptTurnKind Kind, int BodyStart, int BodyEnd, int Next) ReadFramed(string rendered, int position)
    {
        var kind = MatchHeading(rendered, position, Heading) ?? throw Invalid($"expected a turn heading at offset {position}");
        var fenceStart = position + Heading(kind).Length;
        var fenceEnd = fenceStart;
        while (fenceEnd < rendered.Length && rendered[fenceEnd] == '`')
        {
            fenceEnd++;
        }

        if (fenceEnd - fenceStart < MinimumFence || fenceEnd >= rendered.Length || rendered[fenceEnd] != '\n')
        {
            throw Invalid($"the turn starting at offset {position} does not open a code fence");
        }

        var fence = rendered[fenceStart..fenceEnd];
        var bodyStart = fenceEnd + 1;
        var closing = "\n" + fence + "\n";
        var bodyEnd = rendered.IndexOf(closing, bodyStart, StringComparison.Ordinal);
        if (bodyEnd < 0)
        {
            throw Invalid($"the turn starting at offset {position} is not closed");
        }

        if (!string.Equals(FenceFor(rendered[bodyStart..bodyEnd]), fence, StringComparison.Ordinal))
        {
            throw Invalid($"the turn starting at offset {position} is fenced with {fence.Length} backticks, not as its body requires");
        }

        return (kind, bodyStart, bodyEnd, bodyEnd + closing.Length);
    }

    private static string Heading(PromptTurnKind kind) => kind switch
    {
        PromptTurnKind.User => "\n# Query:\n",
        PromptTurnKind.Assistant => "\n# Answer:\n",
        PromptTurnKind.System => "\n# System:\n",
        PromptTurnKind.ToolResult => "\n# Tool result:\n",
        PromptTurnKind.Tools => "\n# Tools:\n",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown turn kind."),
    };
}
