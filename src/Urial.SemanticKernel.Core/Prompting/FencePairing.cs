namespace Urial.SemanticKernel;

/// <summary>
/// Decides which code fences of a message stay fences in the headings format: the ones at column zero that CommonMark pairs
/// into a closed code block. A fence left open would swallow every later turn heading into a code block, so it is escaped.
/// </summary>
/// <remarks>
/// Only column-zero fences are kept, and escaping removes every other line that could interfere (indented fences, HTML
/// block starts): a column-zero fence line can then never belong to a list item, a block quote or an HTML block, so this
/// pairing is exactly CommonMark's. The lines are the message's Markdown lines without their terminators.
/// </remarks>
internal sealed class FencePairing
{
    /// <summary>After this many unclosed fences, every later fence is escaped: keeps the work linear on hostile input.</summary>
    private const int MaxUnclosed = 64;

    private readonly bool[] _kept;
    private readonly bool[] _inside;

    private FencePairing(int lines)
    {
        _kept = new bool[lines];
        _inside = new bool[lines];
    }

    /// <summary>Pairs the fences of <paramref name="lines"/>.</summary>
    /// <param name="lines">The Markdown lines of the message.</param>
    /// <param name="isCandidate">Whether a line may be a kept fence: an unescaped fence-like line at column zero.</param>
    /// <returns>The pairing.</returns>
    public static FencePairing Of(IReadOnlyList<string> lines, Func<int, bool> isCandidate)
    {
        var pairing = new FencePairing(lines.Count);
        var start = 0;
        for (var unclosed = 0; start < lines.Count && unclosed <= MaxUnclosed; unclosed++)
        {
            var open = pairing.PairFrom(lines, isCandidate, start);
            if (open < 0)
            {
                return pairing;
            }

            start = open + 1; // the unclosed opener will be escaped: pair what follows it again
        }

        return pairing;
    }

    /// <summary>Gets whether the line at <paramref name="index"/> is a fence kept as a fence (the opener or the closer of a closed block).</summary>
    public bool IsKeptFence(int index) => _kept[index];

    /// <summary>Gets whether the line at <paramref name="index"/> is content of a closed code block.</summary>
    public bool IsInsideCode(int index) => _inside[index];

    /// <summary>Pairs fences from <paramref name="start"/> on; returns the index of an opener left unclosed at the end, or -1.</summary>
    private int PairFrom(IReadOnlyList<string> lines, Func<int, bool> isCandidate, int start)
    {
        var open = -1;
        var fence = '\0';
        var length = 0;
        for (var i = start; i < lines.Count; i++)
        {
            _kept[i] = false;
            _inside[i] = false;
            var line = new MarkdownLine(lines[i]);
            if (open < 0)
            {
                if (isCandidate(i) && line.OpensFence)
                {
                    open = i;
                    fence = line.FenceCharacter;
                    length = line.FenceLength;
                }
            }
            else if (isCandidate(i) && line.Closes(fence, length))
            {
                _kept[open] = _kept[i] = true;
                for (var j = open + 1; j < i; j++)
                {
                    _inside[j] = true;
                }

                open = -1;
            }
        }

        return open;
    }
}
