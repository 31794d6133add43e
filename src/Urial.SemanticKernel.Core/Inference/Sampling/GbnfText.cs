using System.Globalization;
using System.Text;

namespace Urial.SemanticKernel;

/// <summary>Text helpers for writing GBNF: literals, JSON string encoding and rule names.</summary>
internal static class GbnfText
{
    private const int MaxRuleNameLength = 48;

    /// <summary>
    /// Returns <paramref name="text"/> as a GBNF string literal (double-quoted; <c>"</c>, <c>\</c> and control
    /// characters escaped; other characters verbatim, since llama.cpp decodes literals as UTF-8).
    /// </summary>
    public static string Literal(string text)
    {
        var sb = new StringBuilder(text.Length + 2);
        sb.Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c < 0x20 || c == 0x7F)
                    {
                        sb.Append("\\x").Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        sb.Append('"');
        return sb.ToString();
    }

    /// <summary>
    /// Returns the canonical JSON encoding of <paramref name="value"/> (quoted; only <c>"</c>, <c>\</c> and control
    /// characters escaped), i.e. the exact text a model must produce for that string.
    /// </summary>
    public static string JsonString(string value)
    {
        var sb = new StringBuilder(value.Length + 2);
        sb.Append('"');
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    var paired = char.IsHighSurrogate(c) ? i + 1 < value.Length && char.IsLowSurrogate(value[i + 1])
                        : char.IsLowSurrogate(c) && i > 0 && char.IsHighSurrogate(value[i - 1]);
                    if (c < 0x20 || (char.IsSurrogate(c) && !paired))
                    {
                        // Controls need escapes; a lone surrogate cannot be written as UTF-8. Pairs are written raw, like every other character.
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        sb.Append('"');
        return sb.ToString();
    }

    /// <summary>
    /// Turns arbitrary text into a rule-name fragment made only of <c>[a-z0-9-]</c> (camelCase becomes kebab-case;
    /// llama.cpp rejects <c>_</c> in rule names).
    /// </summary>
    public static string RuleName(string hint)
    {
        var sb = new StringBuilder(hint.Length);
        var previous = '-';
        for (var i = 0; i < hint.Length && sb.Length < MaxRuleNameLength; i++)
        {
            var c = hint[i];
            char next;
            if (c is >= 'a' and <= 'z' or >= '0' and <= '9')
            {
                next = c;
            }
            else if (c is >= 'A' and <= 'Z')
            {
                if (i > 0 && char.IsLower(hint[i - 1]) && previous != '-')
                {
                    sb.Append('-');
                }

                next = (char)(c + ('a' - 'A'));
            }
            else
            {
                next = '-';
            }

            if (next == '-' && previous == '-')
            {
                continue;
            }

            sb.Append(next);
            previous = next;
        }

        var name = sb.ToString().Trim('-');
        return name.Length == 0 ? "p" : name;
    }

    /// <summary>
    /// Returns <paramref name="element"/> repeated <paramref name="min"/>..<paramref name="max"/> times in GBNF
    /// (empty string for zero repetitions; <c>?</c>, plain or <c>{m,n}</c> otherwise). The element must be atomic
    /// (a rule name, literal, class or parenthesized group).
    /// </summary>
    public static string Repeated(string element, int min, int max) => (min, max) switch
    {
        (_, 0) => string.Empty,
        (1, 1) => element,
        (0, 1) => element + "?",
        _ => element + Repeat(min, max),
    };

    /// <summary>Formats a GBNF repetition suffix <c>{min,max}</c> (or <c>{n}</c>) for a non-negative range.</summary>
    public static string Repeat(int min, int max) =>
        min == max
            ? string.Create(CultureInfo.InvariantCulture, $"{{{min}}}")
            : string.Create(CultureInfo.InvariantCulture, $"{{{min},{max}}}");
}
