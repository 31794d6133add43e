using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace Urial.SemanticKernel;

/// <summary>
/// Decides whether a line reads, to a model, like the start of a turn: a heading (<c>#</c>… followed by a turn word) or a
/// tool-call marker, however it is disguised.
/// </summary>
/// <remarks>
/// The line's beginning is folded before it is compared: white space of any kind (NBSP, em space, ideographic space…)
/// reads as a space; invisible characters (format characters such as U+200B and U+FEFF, combining marks, Hangul fillers,
/// the braille blank) are dropped; compatibility forms are decomposed (NFKD: full-width <c>＃</c>, mathematical letters);
/// letters that Unicode's confusables data lists as look-alikes (Cyrillic <c>А</c>, Greek <c>Ν</c>…) become the letter they
/// imitate; case is ignored, and so is the difference between <c>i</c> and <c>l</c>, which look alike in many fonts.
/// </remarks>
internal static class LookAlikeFolding
{
    private static readonly string[] s_headingWords = ["query", "answer", "user", "assistant", "system", "instruction", "tool"];
    private static readonly string[] s_markers = ["<tool_call", "</tool_call"];
    private static readonly Dictionary<int, char> s_lookAlikes = BuildLookAlikes();
    private static readonly ConcurrentDictionary<int, string> s_folded = new();

    /// <summary>How many significant characters of a line are folded: enough for the longest marker and heading word.</summary>
    private const int SignificantLength = 24;

    /// <summary>Returns whether <paramref name="line"/> (from its first character to its end) reads like a turn heading or a call marker.</summary>
    /// <param name="line">The line, without its terminator.</param>
    /// <returns><see langword="true"/> when a model could take the line for structure.</returns>
    public static bool LooksLikeTurnMarker(ReadOnlySpan<char> line)
    {
        var head = Fold(line);
        var rest = head.AsSpan().TrimStart(' ');
        if (rest.IsEmpty)
        {
            return false;
        }

        foreach (var marker in s_markers)
        {
            if (rest.StartsWith(Collapse(marker), StringComparison.Ordinal))
            {
                return true;
            }
        }

        if (rest[0] != '#')
        {
            return false;
        }

        rest = rest.TrimStart('#').TrimStart(' ');
        foreach (var word in s_headingWords)
        {
            if (rest.StartsWith(Collapse(word), StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Folds the start of a line: spaces collapse to one, invisible characters vanish, the rest maps to what it imitates.</summary>
    private static string Fold(ReadOnlySpan<char> line)
    {
        var folded = new StringBuilder(SignificantLength + 8);
        var significant = 0;
        for (var i = 0; i < line.Length && significant < SignificantLength; i++)
        {
            int codePoint = line[i];
            if (char.IsHighSurrogate(line[i]) && i + 1 < line.Length && char.IsLowSurrogate(line[i + 1]))
            {
                codePoint = char.ConvertToUtf32(line[i], line[i + 1]);
                i++;
            }

            var text = FoldCodePoint(codePoint);
            if (text == " ")
            {
                if (folded.Length == 0 || folded[^1] != ' ')
                {
                    folded.Append(' ');
                }

                continue;
            }

            folded.Append(text);
            significant += text.Count(c => c != '#'); // a run of '#' of any length may precede the word
        }

        return folded.ToString();
    }

    /// <summary>One code point as it reads: " " for white space, "" for invisible characters, else its decomposed, look-alike-folded, lower-case letters.</summary>
    private static string FoldCodePoint(int codePoint) => s_folded.GetOrAdd(codePoint, static cp =>
    {
        if (s_lookAlikes.TryGetValue(cp, out var listed))
        {
            return Collapse(listed.ToString());
        }

        if (IsInvisible(cp))
        {
            return string.Empty;
        }

        if (cp is >= 0xD800 and <= 0xDFFF)
        {
            return "\uFFFD"; // a lone surrogate: not a character, and nothing it could imitate
        }

        var result = new StringBuilder();
        foreach (var c in char.ConvertFromUtf32(cp).Normalize(NormalizationForm.FormKD))
        {
            if (char.IsWhiteSpace(c))
            {
                result.Append(' ');
            }
            else if (!IsInvisible(c))
            {
                result.Append(s_lookAlikes.TryGetValue(c, out var ascii) ? ascii : char.ToLowerInvariant(c));
            }
        }

        return Collapse(result.ToString());
    });

    /// <summary>Characters that render as nothing: format characters, combining marks, and the letters Unicode defines as invisible fillers.</summary>
    private static bool IsInvisible(int codePoint)
    {
        if (codePoint is 0x115F or 0x1160 or 0x3164 or 0xFFA0 or 0x2800 or 0x180E)
        {
            return true;
        }

        var category = CharUnicodeInfo.GetUnicodeCategory(codePoint);
        return category is UnicodeCategory.Format or UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark or UnicodeCategory.Control;
    }

    /// <summary>Reads <c>l</c> as <c>i</c>: in many fonts <c>I</c>, <c>l</c> and <c>1</c> look the same.</summary>
    private static string Collapse(string text) => text.Replace('l', 'i');

    private static Dictionary<int, char> BuildLookAlikes()
    {
        var map = new Dictionary<int, char>();
        foreach (var (target, sources) in LookAlikeCharacters.ByTarget)
        {
            for (var i = 0; i < sources.Length; i++)
            {
                var codePoint = char.ConvertToUtf32(sources, i);
                if (codePoint > 0xFFFF)
                {
                    i++;
                }

                map[codePoint] = target;
            }
        }

        return map;
    }
}
