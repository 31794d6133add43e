using System.Globalization;

namespace Urial.SemanticKernel;

/// <summary>A recursive-descent parser for <see cref="RegexNode"/>; group nesting is bounded by <see cref="RegexNode.MaxNesting"/>.</summary>
internal sealed class RegexSubsetParser(string pattern)
{
    private static readonly (int, int)[] Digits = [('0', '9')];
    private static readonly (int, int)[] Word = [('0', '9'), ('A', 'Z'), ('_', '_'), ('a', 'z')];
    private static readonly (int, int)[] Space = [('\t', '\r'), (' ', ' ')];
    private int _position;
    private int _nesting;

    public bool TryParse(out RegexNode? node, out bool atStart, out bool atEnd)
    {
        node = null;
        atStart = pattern.StartsWith('^');
        _position = atStart ? 1 : 0;
        var end = pattern.Length;
        atEnd = end > _position && pattern[^1] == '$' && (end < 2 || pattern[^2] != '\\' || EscapedBackslashBefore(end - 1));
        var body = atEnd ? pattern[..^1] : pattern;
        var inner = new RegexSubsetParser(body) { _position = _position };
        if (!inner.TryAlternation(out node) || inner._position != body.Length)
        {
            node = null;
            return false;
        }

        return true;
    }

    private bool EscapedBackslashBefore(int index)
    {
        var backslashes = 0;
        for (var i = index - 1; i >= 0 && pattern[i] == '\\'; i--)
        {
            backslashes++;
        }

        return backslashes % 2 == 0;
    }

    private bool TryAlternation(out RegexNode? node)
    {
        node = null;
        var alternatives = new List<RegexNode>();
        do
        {
            if (!TrySequence(out var sequence))
            {
                return false;
            }

            alternatives.Add(sequence!);
        }
        while (Take('|'));

        node = alternatives.Count == 1 ? alternatives[0] : new RegexAlternation(alternatives);
        return true;
    }

    private bool TrySequence(out RegexNode? node)
    {
        node = null;
        var items = new List<RegexNode>();
        while (_position < pattern.Length && pattern[_position] is not ('|' or ')'))
        {
            if (!TryAtom(out var atom) || !TryQuantifier(atom!, out var item))
            {
                return false;
            }

            items.Add(item!);
        }

        node = items.Count == 1 ? items[0] : new RegexSequence(items);
        return true;
    }

    private bool TryQuantifier(RegexNode atom, out RegexNode? node)
    {
        node = atom;
        if (_position >= pattern.Length)
        {
            return true;
        }

        int min;
        int? max;
        switch (pattern[_position])
        {
            case '*': (min, max) = (0, null); _position++; break;
            case '+': (min, max) = (1, null); _position++; break;
            case '?': (min, max) = (0, 1); _position++; break;
            case '{' when TryBraces(out min, out max): break;
            default: return true;
        }

        Take('?'); // a lazy quantifier matches the same strings
        node = new RegexRepeat(atom, min, max);
        return max is null || (max >= min && max <= JsonGrammarLimits.NativeRepetitionThreshold);
    }

    private bool TryBraces(out int min, out int? max)
    {
        min = 0;
        max = null;
        var close = pattern.IndexOf('}', _position);
        var parts = close < 0 ? [] : pattern[(_position + 1)..close].Split(',');
        if (parts.Length is < 1 or > 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out min))
        {
            return false;
        }

        if (parts.Length == 1)
        {
            max = min;
        }
        else if (parts[1].Length > 0)
        {
            if (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var m))
            {
                return false;
            }

            max = m;
        }

        _position = close + 1;
        return true;
    }

    private bool TryAtom(out RegexNode? node)
    {
        node = null;
        var c = pattern[_position++];
        switch (c)
        {
            case '(':
                if (++_nesting > RegexNode.MaxNesting || !SkipGroupPrefix() || !TryAlternation(out node) || !Take(')'))
                {
                    return false;
                }

                _nesting--;
                return true;
            case '[':
                return TryClass(out node);
            case '.':
                node = new RegexCharSet([('\n', '\n'), ('\r', '\r'), (0x2028, 0x2029)], Negated: true);
                return true;
            case '\\':
                return TryEscape(out node, inClass: false, out _);
            case '^' or '$' or '*' or '+' or '?' or '{' or ')' or '|':
                return false;
            default:
                node = Single(char.IsHighSurrogate(c) && _position < pattern.Length ? char.ConvertToUtf32(c, pattern[_position++]) : c);
                return true;
        }
    }

    private bool SkipGroupPrefix()
    {
        if (!Take('?'))
        {
            return true;
        }

        if (Take(':'))
        {
            return true;
        }

        // A named group (?<name>…) matches like a plain group; look-around and inline options are outside the subset.
        if (Take('<') && _position < pattern.Length && char.IsLetter(pattern[_position]))
        {
            var close = pattern.IndexOf('>', _position);
            _position = close < 0 ? pattern.Length : close + 1;
            return close >= 0;
        }

        return false;
    }

    private bool TryClass(out RegexNode? node)
    {
        node = null;
        var negated = Take('^');
        var ranges = new List<(int, int)>();
        var first = true;
        while (_position < pattern.Length && (pattern[_position] != ']' || first))
        {
            first = false;
            if (!TryClassChar(out var from, ranges) )
            {
                return false;
            }

            if (from < 0)
            {
                continue; // a class escape such as \d was added as ranges
            }

            var to = from;
            if (_position + 1 < pattern.Length && pattern[_position] == '-' && pattern[_position + 1] != ']')
            {
                _position++;
                if (!TryClassChar(out to, ranges) || to < from)
                {
                    return false;
                }
            }

            ranges.Add((from, to));
        }

        if (!Take(']'))
        {
            return false;
        }

        node = new RegexCharSet(ranges, negated);
        return true;
    }

    // Reads one class member: a code point (returned) or a class escape added to ranges (returns -1).
    private bool TryClassChar(out int codePoint, List<(int, int)> ranges)
    {
        codePoint = -1;
        var c = pattern[_position++];
        if (c != '\\')
        {
            codePoint = char.IsHighSurrogate(c) && _position < pattern.Length ? char.ConvertToUtf32(c, pattern[_position++]) : c;
            return true;
        }

        if (!TryEscape(out var node, inClass: true, out codePoint))
        {
            return false;
        }

        if (node is RegexCharSet { Negated: false } set && codePoint < 0)
        {
            ranges.AddRange(set.Ranges);
            return true;
        }

        return codePoint >= 0;
    }

    private bool TryEscape(out RegexNode? node, bool inClass, out int codePoint)
    {
        node = null;
        codePoint = -1;
        if (_position >= pattern.Length)
        {
            return false;
        }

        var c = pattern[_position++];
        switch (c)
        {
            case 'd': node = new RegexCharSet(Digits, false); return true;
            case 'w': node = new RegexCharSet(Word, false); return true;
            case 's': node = new RegexCharSet(Space, false); return true;
            case 'D': node = new RegexCharSet(Digits, true); return !inClass;
            case 'W': node = new RegexCharSet(Word, true); return !inClass;
            case 'S': node = new RegexCharSet(Space, true); return !inClass;
            case 't': codePoint = '\t'; break;
            case 'n': codePoint = '\n'; break;
            case 'r': codePoint = '\r'; break;
            case 'f': codePoint = '\f'; break;
            case 'v': codePoint = '\v'; break;
            case 'x': codePoint = Hex(2); break;
            case 'u': codePoint = Hex(4); break;
            default:
                if (char.IsLetterOrDigit(c))
                {
                    return false; // \b, \B, back-references, \p{…} and the like are outside the subset
                }

                codePoint = c;
                break;
        }

        node = codePoint >= 0 ? Single(codePoint) : null;
        return codePoint >= 0;
    }

    private int Hex(int digits)
    {
        if (_position + digits > pattern.Length
            || !int.TryParse(pattern.AsSpan(_position, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value))
        {
            return -1;
        }

        _position += digits;
        return value;
    }

    private static RegexCharSet Single(int codePoint) => new([(codePoint, codePoint)], false);

    private bool Take(char c)
    {
        if (_position < pattern.Length && pattern[_position] == c)
        {
            _position++;
            return true;
        }

        return false;
    }
}
