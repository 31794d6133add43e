namespace Urial.SemanticKernel;

/// <summary>What CommonMark can make of one line at the top level of a document (the rules of the CommonMark 0.31 spec).</summary>
/// <remarks>
/// Only what escaping needs: whether a line could start a heading, a fenced code block or an HTML block. Each answer
/// errs toward "yes", because escaping a line that needed none costs a visible backslash, never a forged turn.
/// </remarks>
internal readonly ref struct MarkdownLine
{
    private readonly ReadOnlySpan<char> _line;
    private readonly int _indent;
    private readonly ReadOnlySpan<char> _content;

    /// <summary>Initializes a view of one line, without its terminator.</summary>
    public MarkdownLine(ReadOnlySpan<char> line)
    {
        _line = line;
        var i = 0;
        var columns = 0;
        while (i < line.Length && line[i] is ' ' or '\t')
        {
            columns = line[i] == '\t' ? columns + 4 - (columns % 4) : columns + 1;
            i++;
        }

        _indent = columns;
        _content = line[i..];
    }

    /// <summary>Gets a value indicating whether the line has only spaces and tabs (CommonMark's blank line).</summary>
    public bool IsBlank => _content.IsEmpty;

    /// <summary>Gets the indentation in columns (a tab advances to the next multiple of four).</summary>
    public int Indent => _indent;

    /// <summary>Gets a value indicating whether the line can only be read as something inside a block (an indented code line, or a list item's content).</summary>
    private bool IsIndentedCode => _indent >= 4;

    /// <summary>Gets a value indicating whether the line is an ATX heading: up to three spaces, one to six <c>#</c>, then a space, a tab or the end.</summary>
    public bool IsAtxHeading
    {
        get
        {
            if (IsIndentedCode)
            {
                return false;
            }

            var hashes = 0;
            while (hashes < _content.Length && _content[hashes] == '#')
            {
                hashes++;
            }

            return hashes is >= 1 and <= 6 && (hashes == _content.Length || _content[hashes] is ' ' or '\t');
        }
    }

    /// <summary>Gets a value indicating whether the line could underline a setext heading: up to three spaces, a run of <c>=</c> or of <c>-</c>, trailing spaces.</summary>
    public bool IsSetextUnderline
    {
        get
        {
            if (IsIndentedCode || _content.IsEmpty || _content[0] is not ('=' or '-'))
            {
                return false;
            }

            var trimmed = _content.TrimEnd(" \t");
            return !trimmed.ContainsAnyExcept(_content[0]);
        }
    }

    /// <summary>Gets the fence character (<c>`</c> or <c>~</c>) when the line starts with three or more of it after up to three spaces; otherwise <c>\0</c>.</summary>
    public char FenceCharacter => !IsIndentedCode && _content.Length >= 3 && _content[0] is '`' or '~' && _content[1] == _content[0] && _content[2] == _content[0] ? _content[0] : '\0';

    /// <summary>Gets the length of the run of fence characters the line starts with (after its indentation).</summary>
    public int FenceLength
    {
        get
        {
            var fence = FenceCharacter;
            if (fence == '\0')
            {
                return 0;
            }

            var length = 0;
            while (length < _content.Length && _content[length] == fence)
            {
                length++;
            }

            return length;
        }
    }

    /// <summary>Gets a value indicating whether CommonMark reads the line as a fence that opens a code block (a backtick fence's info string has no backtick).</summary>
    public bool OpensFence => FenceCharacter is var fence && fence != '\0' && (fence == '~' || !_content[FenceLength..].Contains('`'));

    /// <summary>Returns whether the line closes a code block opened by <paramref name="fence"/> × <paramref name="length"/>: at least as long, nothing after but spaces.</summary>
    public bool Closes(char fence, int length) => FenceCharacter == fence && FenceLength >= length && _content[FenceLength..].TrimEnd(" \t").IsEmpty;

    /// <summary>Gets a value indicating whether the line starts with <c>&lt;</c> after up to three spaces: it may open an HTML block, of any of CommonMark's seven kinds.</summary>
    public bool MayOpenHtmlBlock => !IsIndentedCode && !_content.IsEmpty && _content[0] == '<';

    /// <summary>Gets the whole line.</summary>
    public ReadOnlySpan<char> Text => _line;
}
