using System.Text;

namespace Urial.SemanticKernel;

/// <summary>Neutralizes the lines of a message that a turn format would read as a turn boundary or a fence.</summary>
/// <remarks>
/// <para>
/// A line (text between <c>\n</c> characters; a trailing <c>\r</c> stays part of the line) is structural when,
/// after its run of leading whitespace, it begins with one or more <c>#</c>, optional spaces or tabs, and one of
/// the heading words <c>Query</c>, <c>Answer</c>, <c>User</c>, <c>Assistant</c>, <c>System</c>, <c>Instruction</c>
/// or <c>Tool</c> (which covers <c># Tool result:</c> and <c># Tools:</c>; case-insensitive, with or without colon),
/// when it begins with a tool-call marker <c>&lt;tool_call</c> or <c>&lt;/tool_call</c> (case-insensitive), or, in the
/// fenced format, when it begins with <c>```</c>.
/// Escaping prefixes every structural line with one space; unescaping removes that one space again.
/// </para>
/// <para>
/// This is a bijection: prefixing a space keeps a line structural, lines that are not structural are never
/// touched, so an escaped text contains no structural line that does not start with a space, and the
/// renderer's boundaries and call markers (which start at column zero) cannot occur inside a message, so no text can
/// fake a turn, a tool call or a tool result. Heading words of both
/// formats are escaped in both, so a message cannot fake the other format's turns either. Code fences are
/// only escaped in the fenced format, where they delimit turns; in the headings format they are harmless.
/// </para>
/// </remarks>
internal static class TurnEscaper
{
    private static readonly string[] s_headingWords = ["Query", "Answer", "User", "Assistant", "System", "Instruction", "Tool"];

    // Prefixes of the markers without '>' so that variants a lenient reader might accept are escaped too.
    private const string OpenMarkerStart = "<tool_call";
    private const string CloseMarkerStart = "</tool_call";

    /// <summary>Returns <paramref name="text"/> with every structural line prefixed by one space.</summary>
    /// <param name="text">The message text.</param>
    /// <param name="fences">Whether lines starting with <c>```</c> are structural (the fenced format).</param>
    /// <returns>The escaped text; the same instance when no line needs escaping.</returns>
    public static string Escape(string text, bool fences)
    {
        if (!AnyStructuralLine(text, fences))
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + 16);
        foreach (var range in LineRanges(text))
        {
            var line = text.AsSpan(range);
            if (IsStructural(line, fences))
            {
                builder.Append(' ');
            }

            builder.Append(line);
        }

        return builder.ToString();
    }

    /// <summary>Reverses <see cref="Escape"/>.</summary>
    /// <param name="text">An escaped message text.</param>
    /// <param name="fences">Whether lines starting with <c>```</c> are structural (the fenced format).</param>
    /// <returns>The original text.</returns>
    /// <exception cref="InvalidDataException">A structural line does not start with the escaping space, so <paramref name="text"/> was not produced by <see cref="Escape"/>.</exception>
    public static string Unescape(string text, bool fences)
    {
        if (!AnyStructuralLine(text, fences))
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        foreach (var range in LineRanges(text))
        {
            var line = text.AsSpan(range);
            if (IsStructural(line, fences))
            {
                if (line[0] != ' ')
                {
                    throw new InvalidDataException($"The line '{line.TrimEnd('\n')}' would start a turn or a fence but is not escaped; the text is not a rendering of this prompt.");
                }

                line = line[1..];
            }

            builder.Append(line);
        }

        return builder.ToString();
    }

    /// <summary>Returns whether a line would be read as a heading, a tool-call marker or (when <paramref name="fences"/>) a fence.</summary>
    /// <param name="line">The line, possibly including its terminating <c>\n</c>.</param>
    /// <param name="fences">Whether lines starting with <c>```</c> are structural.</param>
    /// <returns><see langword="true"/> when the line must be escaped.</returns>
    internal static bool IsStructural(ReadOnlySpan<char> line, bool fences)
    {
        var i = 0;
        while (i < line.Length && line[i] != '\n' && char.IsWhiteSpace(line[i]))
        {
            i++;
        }

        var rest = line[i..];
        if (fences && rest.StartsWith("```", StringComparison.Ordinal))
        {
            return true;
        }

        if (rest.StartsWith(OpenMarkerStart, StringComparison.OrdinalIgnoreCase) || rest.StartsWith(CloseMarkerStart, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (rest.IsEmpty || rest[0] != '#')
        {
            return false;
        }

        rest = rest.TrimStart('#').TrimStart(" \t");
        foreach (var word in s_headingWords)
        {
            if (rest.StartsWith(word, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static bool AnyStructuralLine(string text, bool fences)
    {
        foreach (var range in LineRanges(text))
        {
            if (IsStructural(text.AsSpan(range), fences))
            {
                return true;
            }
        }

        return false;
    }

    // Each range covers one line including its '\n', so appending the ranges in order rebuilds the text.
    private static IEnumerable<Range> LineRanges(string text)
    {
        var start = 0;
        while (start < text.Length)
        {
            var newline = text.IndexOf('\n', start);
            var end = newline < 0 ? text.Length : newline + 1;
            yield return new Range(start, end);
            start = end;
        }
    }
}
