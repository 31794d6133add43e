using System.Text;

namespace Urial.SemanticKernel;

/// <summary>
/// Parses GBNF exactly as llama.cpp's <c>llama_grammar_parser</c> does — the same syntax, the same generated rules for
/// groups and repetitions, the same errors — but in managed code, iteratively where llama.cpp recurses, and within
/// <see cref="GbnfLimits"/>, so that a caller's grammar can be judged before any native code sees it.
/// </summary>
/// <remarks>
/// It reads the UTF-8 bytes llama.cpp would read. Token references (<c>&lt;…&gt;</c>, <c>!&lt;…&gt;</c>) exist only in
/// newer llama.cpp builds (not in every server this library talks to), so they are rejected.
/// </remarks>
internal sealed class GbnfParser
{
    private readonly byte[] _text; // UTF-8, NUL-terminated like the C string llama.cpp reads
    private readonly Dictionary<string, uint> _symbols = new(StringComparer.Ordinal);
    private readonly List<List<GbnfElement>?> _rules = [];
    private int _elements;

    private GbnfParser(string text)
    {
        _text = Encoding.UTF8.GetBytes(text + "\0");
    }

    /// <summary>Parses <paramref name="text"/> into llama.cpp's rule representation.</summary>
    /// <param name="text">The grammar; at most <see cref="GbnfLimits.MaxLength"/> characters, without NUL.</param>
    /// <returns>The rules indexed by symbol id, and the symbol ids by name.</returns>
    /// <exception cref="GbnfException">The grammar does not parse, or exceeds a bound; the message says where and why.</exception>
    public static GbnfGrammar Parse(string text)
    {
        var parser = new GbnfParser(text);
        parser.ParseRules();
        return new GbnfGrammar([.. parser._rules.Select(r => r!.ToArray())], parser._symbols);
    }

    private void ParseRules()
    {
        var pos = SkipSpace(0, newlineOk: true);
        while (_text[pos] != 0)
        {
            pos = ParseRule(pos);
        }

        if (_rules.Count == 0)
        {
            throw new GbnfException("the grammar defines no rule");
        }

        for (var id = 0; id < _rules.Count; id++)
        {
            if (_rules[id] is null)
            {
                throw new GbnfException($"undefined rule '{NameOf((uint)id)}'");
            }
        }

        foreach (var rule in _rules)
        {
            foreach (var element in rule!)
            {
                if (element.Kind == GbnfElementKind.RuleReference && (element.Value >= _rules.Count || _rules[(int)element.Value] is null))
                {
                    throw new GbnfException($"undefined rule '{NameOf(element.Value)}'");
                }
            }
        }
    }

    private int ParseRule(int start)
    {
        var nameEnd = ParseName(start);
        var pos = SkipSpace(nameEnd, newlineOk: false);
        var name = Encoding.UTF8.GetString(_text, start, nameEnd - start);
        var id = SymbolId(name);
        if (!(_text[pos] == ':' && _text[pos + 1] == ':' && _text[pos + 2] == '='))
        {
            throw Error("expecting ::=", pos);
        }

        pos = ParseAlternates(SkipSpace(pos + 3, newlineOk: true), name, id, nested: false, depth: 0);
        if (_text[pos] == '\r')
        {
            pos += _text[pos + 1] == '\n' ? 2 : 1;
        }
        else if (_text[pos] == '\n')
        {
            pos++;
        }
        else if (_text[pos] != 0)
        {
            throw Error("expecting newline or end", pos);
        }

        return SkipSpace(pos, newlineOk: true);
    }

    private int ParseAlternates(int pos, string ruleName, uint ruleId, bool nested, int depth)
    {
        if (depth > GbnfLimits.MaxNestingDepth)
        {
            throw new GbnfException($"groups are nested more than {GbnfLimits.MaxNestingDepth} deep (llama.cpp's parser recurses per group and can overflow its stack)", isLimit: true);
        }

        var rule = new List<GbnfElement>();
        pos = ParseSequence(pos, ruleName, rule, nested, depth);
        while (_text[pos] == '|')
        {
            Add(rule, new GbnfElement(GbnfElementKind.Alternative, 0));
            pos = ParseSequence(SkipSpace(pos + 1, newlineOk: true), ruleName, rule, nested, depth);
        }

        Add(rule, new GbnfElement(GbnfElementKind.End, 0));
        SetRule(ruleId, rule);
        return pos;
    }

    private int ParseSequence(int pos, string ruleName, List<GbnfElement> rule, bool nested, int depth)
    {
        var lastSymbolStart = rule.Count;
        ulong previousRules = 1;
        while (_text[pos] != 0)
        {
            var c = _text[pos];
            if (c == '"')
            {
                pos++;
                lastSymbolStart = rule.Count;
                previousRules = 1;
                while (_text[pos] != '"')
                {
                    if (_text[pos] == 0)
                    {
                        throw Error("unexpected end of input in a string literal", pos);
                    }

                    (var value, pos) = ParseChar(pos);
                    Add(rule, new GbnfElement(GbnfElementKind.Char, value));
                }

                pos = SkipSpace(pos + 1, nested);
            }
            else if (c == '[')
            {
                pos = ParseCharClass(pos + 1, rule, out lastSymbolStart);
                previousRules = 1;
                pos = SkipSpace(pos, nested);
            }
            else if (c is (byte)'<' or (byte)'!')
            {
                throw Error("token references (<...>) are not supported: not every llama.cpp build understands them", pos);
            }
            else if (IsWordChar(c))
            {
                var nameEnd = ParseName(pos);
                var id = SymbolId(Encoding.UTF8.GetString(_text, pos, nameEnd - pos));
                pos = SkipSpace(nameEnd, nested);
                lastSymbolStart = rule.Count;
                previousRules = 1;
                Add(rule, new GbnfElement(GbnfElementKind.RuleReference, id));
            }
            else if (c == '(')
            {
                pos = SkipSpace(pos + 1, newlineOk: true);
                var rulesBefore = _symbols.Count;
                var groupId = GenerateSymbolId(ruleName);
                pos = ParseAlternates(pos, ruleName, groupId, nested: true, depth + 1);
                previousRules = (ulong)Math.Max(1, _symbols.Count - rulesBefore);
                lastSymbolStart = rule.Count;
                Add(rule, new GbnfElement(GbnfElementKind.RuleReference, groupId));
                if (_text[pos] != ')')
                {
                    throw Error("expecting ')'", pos);
                }

                pos = SkipSpace(pos + 1, nested);
            }
            else if (c == '.')
            {
                lastSymbolStart = rule.Count;
                previousRules = 1;
                Add(rule, new GbnfElement(GbnfElementKind.CharAny, 0));
                pos = SkipSpace(pos + 1, nested);
            }
            else if (c is (byte)'*' or (byte)'+' or (byte)'?')
            {
                var at = pos;
                pos = SkipSpace(pos + 1, nested);
                previousRules = Repeat(rule, lastSymbolStart, previousRules, ruleName, c == '+' ? 1UL : 0UL, c == '?' ? 1UL : ulong.MaxValue, at);
            }
            else if (c == '{')
            {
                var at = pos;
                pos = ParseBounds(pos, nested, out var min, out var max);
                previousRules = Repeat(rule, lastSymbolStart, previousRules, ruleName, min, max, at);
            }
            else
            {
                break;
            }
        }

        return pos;
    }

    /// <summary>Reads <c>[...]</c> or <c>[^...]</c> from just after the bracket; returns the position after <c>]</c>.</summary>
    private int ParseCharClass(int pos, List<GbnfElement> rule, out int lastSymbolStart)
    {
        var startKind = GbnfElementKind.Char;
        if (_text[pos] == '^')
        {
            pos++;
            startKind = GbnfElementKind.CharNot;
        }

        lastSymbolStart = rule.Count;
        while (_text[pos] != ']')
        {
            if (_text[pos] == 0)
            {
                throw Error("unexpected end of input in a character class", pos);
            }

            (var value, pos) = ParseChar(pos);
            Add(rule, new GbnfElement(lastSymbolStart < rule.Count ? GbnfElementKind.CharAlternative : startKind, value));
            if (_text[pos] == '-' && _text[pos + 1] != ']')
            {
                if (_text[pos + 1] == 0)
                {
                    throw Error("unexpected end of input in a character range", pos);
                }

                (var upper, pos) = ParseChar(pos + 1);
                Add(rule, new GbnfElement(GbnfElementKind.CharRangeUpper, upper));
            }
        }

        return pos + 1;
    }

    /// <summary>Reads <c>{m}</c>, <c>{m,}</c> or <c>{m,n}</c>.</summary>
    private int ParseBounds(int pos, bool nested, out ulong min, out ulong max)
    {
        pos = SkipSpace(pos + 1, nested);
        if (!IsDigit(_text[pos]))
        {
            throw Error("expecting an integer", pos);
        }

        pos = SkipSpace(ParseInteger(pos, out min), nested);
        max = ulong.MaxValue;
        if (_text[pos] == '}')
        {
            max = min;
            pos = SkipSpace(pos + 1, nested);
        }
        else if (_text[pos] == ',')
        {
            pos = SkipSpace(pos + 1, nested);
            if (IsDigit(_text[pos]))
            {
                pos = SkipSpace(ParseInteger(pos, out max), nested);
            }

            if (_text[pos] != '}')
            {
                throw Error("expecting '}'", pos);
            }

            pos = SkipSpace(pos + 1, nested);
        }
        else
        {
            throw Error("expecting ','", pos);
        }

        if (min > GbnfLimits.NativeRepetitionThreshold || (max != ulong.MaxValue && max > GbnfLimits.NativeRepetitionThreshold))
        {
            // (The newest llama.cpp reads a maximum above the threshold as "no maximum"; LLamaSharp 0.30's build refuses it.)
            throw new GbnfException($"a repetition count above {GbnfLimits.NativeRepetitionThreshold} exceeds llama.cpp's limit");
        }

        if (max < min)
        {
            // llama.cpp does not check this: it computes max - min unsigned and loops about 2^64 times.
            throw new GbnfException($"the repetition {{{min},{max}}} has its maximum below its minimum", isLimit: true);
        }

        return pos;
    }

    /// <summary>Applies a repetition to the last symbol, generating llama.cpp's rules <c>S'(x) ::= S S'(x-1) |</c>; returns the new rule multiplier.</summary>
    private ulong Repeat(List<GbnfElement> rule, int lastSymbolStart, ulong previousRules, string ruleName, ulong min, ulong max, int at)
    {
        if (lastSymbolStart == rule.Count)
        {
            throw Error("expecting an item before a repetition (*, +, ? or {…})", at);
        }

        var unbounded = max == ulong.MaxValue;
        var total = !unbounded && max > 0 ? max : min > 0 ? min : 1UL;
        if (unchecked(previousRules * total) >= GbnfLimits.NativeRepetitionThreshold)
        {
            throw new GbnfException("the number of rules repeated times the repetition count exceeds llama.cpp's limit of 2000");
        }

        var symbol = rule.GetRange(lastSymbolStart, rule.Count - lastSymbolStart);
        var optional = unbounded ? 1UL : max - min;
        var added = (long)((min == 0 ? 0 : min - 1) * (ulong)symbol.Count) + (long)(optional * (ulong)(symbol.Count + 3));
        if (_elements + added > GbnfLimits.MaxElements)
        {
            throw new GbnfException($"the grammar expands to more than {GbnfLimits.MaxElements} elements once its repetitions are written out", isLimit: true);
        }

        if (min == 0)
        {
            _elements -= rule.Count - lastSymbolStart;
            rule.RemoveRange(lastSymbolStart, rule.Count - lastSymbolStart);
        }
        else
        {
            for (ulong i = 1; i < min; i++)
            {
                AddRange(rule, symbol);
            }
        }

        uint lastId = 0;
        for (ulong i = 0; i < optional; i++)
        {
            var id = GenerateSymbolId(ruleName);
            var recursive = new List<GbnfElement>(symbol.Count + 3);
            AddRange(recursive, symbol);
            if (i > 0 || unbounded)
            {
                Add(recursive, new GbnfElement(GbnfElementKind.RuleReference, unbounded ? id : lastId));
            }

            Add(recursive, new GbnfElement(GbnfElementKind.Alternative, 0));
            Add(recursive, new GbnfElement(GbnfElementKind.End, 0));
            SetRule(id, recursive);
            lastId = id;
        }

        if (optional > 0)
        {
            Add(rule, new GbnfElement(GbnfElementKind.RuleReference, lastId));
        }

        return previousRules * total;
    }

    private (uint Value, int Next) ParseChar(int pos)
    {
        if (_text[pos] == '\\')
        {
            return _text[pos + 1] switch
            {
                (byte)'x' => ParseHex(pos + 2, 2),
                (byte)'u' => ParseHex(pos + 2, 4),
                (byte)'U' => ParseHex(pos + 2, 8),
                (byte)'t' => ('\t', pos + 2),
                (byte)'r' => ('\r', pos + 2),
                (byte)'n' => ('\n', pos + 2),
                (byte)'\\' or (byte)'"' or (byte)'[' or (byte)']' => (_text[pos + 1], pos + 2), // newer llama.cpp builds also know \-, LLamaSharp 0.30's does not
                _ => throw Error("unknown escape", pos),
            };
        }

        if (_text[pos] == 0)
        {
            throw Error("unexpected end of input", pos);
        }

        // llama.cpp's decode_utf8: the length comes from the high nibble of the first byte (continuation bytes count as one).
        var first = _text[pos];
        var length = (first >> 4) switch { < 12 => 1, 12 or 13 => 2, 14 => 3, _ => 4 };
        var value = (uint)(first & ((1 << (8 - length)) - 1));
        var next = pos + 1;
        for (; next < pos + length && _text[next] != 0; next++)
        {
            value = (value << 6) + (uint)(_text[next] & 0x3F);
        }

        return (value, next);
    }

    private (uint Value, int Next) ParseHex(int pos, int size)
    {
        uint value = 0;
        var end = pos + size;
        var at = pos;
        for (; at < end && _text[at] != 0; at++)
        {
            var c = _text[at];
            int digit = c switch
            {
                >= (byte)'0' and <= (byte)'9' => c - '0',
                >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
                _ => -1,
            };
            if (digit < 0)
            {
                break;
            }

            value = (value << 4) + (uint)digit;
        }

        return at == end ? (value, at) : throw Error($"expecting {size} hex digits", pos);
    }

    private int ParseName(int pos)
    {
        var end = pos;
        while (IsWordChar(_text[end]))
        {
            end++;
        }

        return end == pos ? throw Error("expecting a rule name (letters, digits and '-')", pos) : end;
    }

    private int ParseInteger(int pos, out ulong value)
    {
        var end = pos;
        while (IsDigit(_text[end]))
        {
            end++;
        }

        if (!ulong.TryParse(_text.AsSpan(pos, end - pos), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out value))
        {
            throw Error("integer out of range", pos);
        }

        return end;
    }

    private int SkipSpace(int pos, bool newlineOk)
    {
        while (true)
        {
            var c = _text[pos];
            if (c == '#')
            {
                while (_text[pos] != 0 && _text[pos] != '\r' && _text[pos] != '\n')
                {
                    pos++;
                }
            }
            else if (c is (byte)' ' or (byte)'\t' || (newlineOk && c is (byte)'\r' or (byte)'\n'))
            {
                pos++;
            }
            else
            {
                return pos;
            }
        }
    }

    private uint SymbolId(string name)
    {
        if (!_symbols.TryGetValue(name, out var id))
        {
            id = (uint)_symbols.Count;
            _symbols.Add(name, id);
            CheckRuleCount();
        }

        return id;
    }

    private uint GenerateSymbolId(string baseName)
    {
        var id = (uint)_symbols.Count;
        _symbols[$"{baseName}_{id}"] = id; // '_' cannot occur in a written name, so this never collides
        CheckRuleCount();
        return id;
    }

    private void CheckRuleCount()
    {
        if (_symbols.Count > GbnfLimits.MaxRules)
        {
            throw new GbnfException($"the grammar has more than {GbnfLimits.MaxRules} rules, counting those llama.cpp generates for groups and repetitions", isLimit: true);
        }
    }

    private void SetRule(uint id, List<GbnfElement> rule)
    {
        while (_rules.Count <= id)
        {
            _rules.Add(null);
        }

        if (_rules[(int)id] is { } replaced)
        {
            _elements -= replaced.Count; // a later definition of the same name replaces the earlier one, as in llama.cpp
        }

        _rules[(int)id] = rule;
    }

    private void Add(List<GbnfElement> rule, GbnfElement element)
    {
        if (++_elements > GbnfLimits.MaxElements)
        {
            throw new GbnfException($"the grammar expands to more than {GbnfLimits.MaxElements} elements once its repetitions are written out", isLimit: true);
        }

        rule.Add(element);
    }

    private void AddRange(List<GbnfElement> rule, List<GbnfElement> elements)
    {
        _elements += elements.Count;
        rule.AddRange(elements);
    }

    private string NameOf(uint id) => _symbols.FirstOrDefault(pair => pair.Value == id).Key ?? $"#{id}";

    private GbnfException Error(string problem, int bytePosition)
    {
        var line = 1;
        var column = 1;
        for (var i = 0; i < bytePosition && i < _text.Length; i++)
        {
            if (_text[i] == '\n')
            {
                line++;
                column = 1;
            }
            else if ((_text[i] & 0xC0) != 0x80)
            {
                column++;
            }
        }

        var rest = Encoding.UTF8.GetString(_text, bytePosition, Math.Min(24, Math.Max(0, _text.Length - 1 - bytePosition)));
        return new GbnfException($"{problem} at line {line}, column {column} (near '{rest.ReplaceLineEndings("\\n")}')");
    }

    private static bool IsDigit(byte c) => c is >= (byte)'0' and <= (byte)'9';

    private static bool IsWordChar(byte c) => c is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9' or (byte)'-';
}
