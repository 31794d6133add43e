using System.Collections;

namespace Urial.SemanticKernel;

/// <summary>Every line start of a message text, with whether <see cref="TurnEscaper"/>'s rules make that line structural.</summary>
/// <remarks>
/// A line's leading backslashes are counted and skipped; the rules judge what follows them. The same class serves escaping
/// (on the original text) and unescaping (on an escaped text): its answers agree on both, which is what makes escaping invertible.
/// </remarks>
internal sealed class EscapeLines : IEnumerable<EscapeLines.Line>
{
    private readonly List<Line> _lines = [];

    /// <summary>Judges every line start of <paramref name="text"/>.</summary>
    /// <param name="text">The message text, original or escaped.</param>
    /// <param name="format">The prompt's format: the Markdown rules apply to <see cref="UrialTurnFormat.Headings"/> only.</param>
    /// <param name="followsLine">Whether the text is written right after a non-blank line.</param>
    public EscapeLines(string text, UrialTurnFormat format, bool followsLine)
    {
        var markdown = format == UrialTurnFormat.Headings;
        var markdownLines = markdown ? MarkdownLines(text) : [];
        var fences = markdown ? PairFences(markdownLines) : null;
        var markdownIndex = -1;
        var previousBlank = !followsLine; // before a message's first line stands its turn heading (never a paragraph), or a result's header
        for (var start = 0; start < text.Length;)
        {
            var backslashes = 0;
            while (start + backslashes < text.Length && text[start + backslashes] == TurnEscaper.Mark)
            {
                backslashes++;
            }

            var end = LineBreaks.EndOfLine(text, start, markdown: false);
            var structural = LookAlikeFolding.LooksLikeTurnMarker(text.AsSpan(start + backslashes, end - start - backslashes));
            // CommonMark's lines start after \n or \r, but not between the two halves of \r\n.
            var atMarkdownLine = markdown && (start == 0 || (LineBreaks.IsMarkdownTerminator(text[start - 1]) && !(text[start - 1] == '\r' && text[start] == '\n')));
            if (atMarkdownLine)
            {
                markdownIndex++;
                var rest = new MarkdownLine(markdownLines[markdownIndex].AsSpan(backslashes));
                structural |= IsMarkdownStructural(rest, backslashes, fences!, markdownIndex, previousBlank);
                previousBlank = new MarkdownLine(markdownLines[markdownIndex]).IsBlank;
            }

            _lines.Add(new Line(start, backslashes, structural));
            start = end < text.Length ? end + 1 : end;
        }
    }

    /// <inheritdoc/>
    public IEnumerator<Line> GetEnumerator() => _lines.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The Markdown rules for one line (its rest after <paramref name="backslashes"/>), in the headings format.</summary>
    private static bool IsMarkdownStructural(MarkdownLine rest, int backslashes, FencePairing fences, int index, bool previousBlank)
    {
        if (rest.FenceCharacter != '\0')
        {
            // A fence stays a fence only when it is unescaped, at column zero and pairs into a closed block.
            return backslashes > 0 || !fences.IsKeptFence(index);
        }

        if (fences.IsInsideCode(index))
        {
            return false; // code: CommonMark reads nothing in it as a heading or HTML
        }

        return rest.IsAtxHeading || rest.MayOpenHtmlBlock || (rest.IsSetextUnderline && !previousBlank);
    }

    private static FencePairing PairFences(List<string> lines) =>
        FencePairing.Of(lines, i => lines[i].Length > 0 && lines[i][0] is '`' or '~');

    /// <summary>Splits at CommonMark's line endings (<c>\n</c>, <c>\r\n</c>, <c>\r</c>).</summary>
    private static List<string> MarkdownLines(string text)
    {
        var lines = new List<string>();
        var start = 0;
        while (true)
        {
            var end = LineBreaks.EndOfLine(text, start, markdown: true);
            lines.Add(text[start..end]);
            if (end >= text.Length)
            {
                return lines;
            }

            start = end + (text[end] == '\r' && end + 1 < text.Length && text[end + 1] == '\n' ? 2 : 1);
        }
    }

    /// <summary>One line start.</summary>
    /// <param name="Start">The index of the line's first character.</param>
    /// <param name="Backslashes">How many backslashes the line starts with.</param>
    /// <param name="Structural">Whether the rest of the line, after its backslashes, is structural.</param>
    internal readonly record struct Line(int Start, int Backslashes, bool Structural);
}
