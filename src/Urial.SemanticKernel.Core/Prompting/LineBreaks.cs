namespace Urial.SemanticKernel;

/// <summary>The two notions of a line that escaping must respect.</summary>
/// <remarks>
/// A model, or a tokenizer's pre-normalization, may start a new line at any Unicode line terminator; CommonMark only at
/// <c>\n</c>, <c>\r\n</c> or <c>\r</c>. Escaping checks every line a model could see, and applies the Markdown rules to the
/// lines CommonMark sees.
/// </remarks>
internal static class LineBreaks
{
    /// <summary>Returns whether <paramref name="c"/> ends a line for some reader: LF, CR, VT, FF, NEL, LINE SEPARATOR or PARAGRAPH SEPARATOR.</summary>
    public static bool IsAnyTerminator(char c) => c is '\n' or '\r' or '\v' or '\f' or '\u0085' or '\u2028' or '\u2029';

    /// <summary>Returns whether <paramref name="c"/> ends a line for CommonMark.</summary>
    public static bool IsMarkdownTerminator(char c) => c is '\n' or '\r';

    /// <summary>Returns the index of the first terminator at or after <paramref name="start"/>, or the text's length.</summary>
    public static int EndOfLine(string text, int start, bool markdown)
    {
        var i = start;
        while (i < text.Length && !(markdown ? IsMarkdownTerminator(text[i]) : IsAnyTerminator(text[i])))
        {
            i++;
        }

        return i;
    }
}
