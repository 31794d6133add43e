using System.Text;

namespace Urial.SemanticKernel;

/// <summary>Neutralizes the lines of a message that a reader could take for the prompt's structure: a turn, a call, a fence.</summary>
/// <remarks>
/// <para>
/// A structural line gets a backslash at its start. CommonMark reads <c>\#</c>, <c>\`</c>, <c>\~</c>, <c>\&lt;</c>,
/// <c>\=</c> and <c>\-</c> as literal characters, so the line becomes plain paragraph text; a model sees a visibly altered
/// line, not a heading. Which lines are structural, for every line start a model could see (after any Unicode line
/// terminator), in both formats: a line that reads like a turn heading or a call marker once disguises are folded away
/// (<see cref="LookAlikeFolding"/>). In the headings format, where the turns are Markdown headings and the message is
/// Markdown between them, also every CommonMark line that could start a heading (ATX, or a setext underline under a
/// non-blank line), an HTML block (a line starting with <c>&lt;</c>) or a fenced code block — except fences at column
/// zero that pair into a closed code block (<see cref="FencePairing"/>), so messages keep their code; inside such a block
/// only the model-level rule applies. In the fenced format the message sits inside a code fence longer than any backtick
/// run it contains (<see cref="FencedTurnLayout"/>), so CommonMark reads all of it as code and only the model-level rule is needed.
/// </para>
/// <para>
/// Escaping is a bijection: a line that already starts with backslashes before a structural rest gets one more, so
/// unescaping removes exactly one backslash from every line whose rest (after its backslashes) is structural. The
/// context a rule reads (whether the previous Markdown line is blank, whether a line is inside a kept code block) is
/// the same before and after escaping, because escaping only ever adds a backslash to a non-blank line that is not a kept fence.
/// </para>
/// </remarks>
internal static class TurnEscaper
{
    /// <summary>The character that neutralizes a line.</summary>
    public const char Mark = '\\';

    /// <summary>Returns <paramref name="text"/> with every structural line prefixed by a backslash.</summary>
    /// <param name="text">The message text.</param>
    /// <param name="format">The prompt's format, which decides whether the Markdown rules apply.</param>
    /// <param name="followsLine">Whether the text is written right after a non-blank line (a tool result's header), which makes its first line able to underline that one.</param>
    /// <returns>The escaped text; the same instance when no line needs escaping.</returns>
    public static string Escape(string text, UrialTurnFormat format, bool followsLine = false)
    {
        var lines = new EscapeLines(text, format, followsLine);
        if (!lines.Any(line => line.Structural))
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + 16);
        var previous = 0;
        foreach (var line in lines.Where(line => line.Structural))
        {
            builder.Append(text, previous, line.Start - previous).Append(Mark);
            previous = line.Start;
        }

        return builder.Append(text, previous, text.Length - previous).ToString();
    }

    /// <summary>Reverses <see cref="Escape"/>.</summary>
    /// <param name="text">An escaped message text.</param>
    /// <param name="format">The prompt's format.</param>
    /// <param name="followsLine">As given to <see cref="Escape"/>.</param>
    /// <returns>The original text.</returns>
    /// <exception cref="InvalidDataException">A structural line is not escaped, so <paramref name="text"/> was not produced by <see cref="Escape"/>.</exception>
    public static string Unescape(string text, UrialTurnFormat format, bool followsLine = false)
    {
        var lines = new EscapeLines(text, format, followsLine);
        var builder = new StringBuilder(text.Length);
        var previous = 0;
        foreach (var line in lines)
        {
            if (!line.Structural)
            {
                continue;
            }

            if (line.Backslashes == 0)
            {
                var end = LineBreaks.EndOfLine(text, line.Start, markdown: false);
                throw new InvalidDataException($"The line '{text[line.Start..end]}' could start a turn, a call or a block but is not escaped; the text is not a rendering of this prompt.");
            }

            builder.Append(text, previous, line.Start - previous);
            previous = line.Start + 1;
        }

        return previous == 0 ? text : builder.Append(text, previous, text.Length - previous).ToString();
    }

    /// <summary>Returns whether a line that a model could see, from its start, reads like a turn heading or a call marker (in any format).</summary>
    /// <param name="line">The line without its terminator.</param>
    /// <returns><see langword="true"/> when the line must be escaped.</returns>
    internal static bool ReadsAsTurn(ReadOnlySpan<char> line) => LookAlikeFolding.LooksLikeTurnMarker(line.TrimStart(Mark));
}
