using System.Globalization;

namespace Urial.SemanticKernel;

/// <summary>
/// The longest text, in UTF-8 bytes, that a GBNF grammar can produce: the bound that makes an answer fit its output
/// budget, since every token llama.cpp samples under a grammar is at least one byte. Recursive or unbounded grammars
/// (<c>*</c>, <c>+</c>, <c>{m,}</c>, a rule reaching itself) have no bound (<see cref="long.MaxValue"/>).
/// </summary>
internal sealed class GbnfLengthBound
{
    private const long Unbounded = long.MaxValue;
    private const int MaxEvaluationDepth = 512;
    private readonly Dictionary<string, string> _bodies = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _known = new(StringComparer.Ordinal);
    private readonly HashSet<string> _inProgress = new(StringComparer.Ordinal);
    private int _depth;

    private GbnfLengthBound(string gbnf)
    {
        foreach (var line in gbnf.Split('\n'))
        {
            var separator = line.IndexOf("::=", StringComparison.Ordinal);
            if (separator > 0)
            {
                _bodies[line[..separator].Trim()] = line[(separator + 3)..];
            }
        }
    }

    /// <summary>Returns the most bytes any text of <paramref name="root"/>'s language has, or <see cref="long.MaxValue"/> when unbounded.</summary>
    public static long MaxBytes(string gbnf, string root = "root") => new GbnfLengthBound(gbnf).Rule(root);

    private long Rule(string name)
    {
        if (_known.TryGetValue(name, out var known))
        {
            return known;
        }

        if (!_bodies.TryGetValue(name, out var body) || !_inProgress.Add(name) || ++_depth > MaxEvaluationDepth)
        {
            return Unbounded; // undefined (the native check rejects it), recursive, or too deep to bound cheaply
        }

        var position = 0;
        var result = Alternation(body, ref position);
        _depth--;
        _inProgress.Remove(name);
        _known[name] = result;
        return result;
    }

    private long Alternation(string body, ref int position)
    {
        var max = Sequence(body, ref position);
        while (position < body.Length && body[position] == '|')
        {
            position++;
            max = Math.Max(max, Sequence(body, ref position));
        }

        return max;
    }

    private long Sequence(string body, ref int position)
    {
        long total = 0;
        while (true)
        {
            SkipSpaces(body, ref position);
            if (position >= body.Length || body[position] is '|' or ')')
            {
                return total;
            }

            total = Add(total, Repetition(body, ref position, Element(body, ref position)));
        }
    }

    private long Element(string body, ref int position)
    {
        var c = body[position];
        if (c == '(')
        {
            position++;
            var inner = Alternation(body, ref position);
            position++; // ')'
            return inner;
        }

        if (c == '"')
        {
            return Literal(body, ref position);
        }

        if (c == '[')
        {
            return CharClass(body, ref position);
        }

        if (c == '.')
        {
            position++;
            return 4;
        }

        var start = position;
        while (position < body.Length && (char.IsAsciiLetterOrDigit(body[position]) || body[position] == '-'))
        {
            position++;
        }

        return position == start ? Unbounded : Rule(body[start..position]);
    }

    private static long Repetition(string body, ref int position, long element)
    {
        if (position >= body.Length)
        {
            return element;
        }

        switch (body[position])
        {
            case '?':
                position++;
                return element;
            case '*' or '+':
                position++;
                return element == 0 ? 0 : Unbounded;
            case '{':
                var close = body.IndexOf('}', position);
                var parts = body[(position + 1)..close].Split(',');
                position = close + 1;
                if (parts.Length == 2 && parts[1].Trim().Length == 0)
                {
                    return element == 0 ? 0 : Unbounded;
                }

                var max = long.Parse(parts[^1], NumberStyles.Integer, CultureInfo.InvariantCulture);
                return element == Unbounded ? (max == 0 ? 0 : Unbounded) : Multiply(element, max);
            default:
                return element;
        }
    }

    private static long Literal(string body, ref int position)
    {
        position++; // opening quote
        long bytes = 0;
        while (body[position] != '"')
        {
            bytes += Utf8Length(ReadChar(body, ref position));
        }

        position++;
        return bytes;
    }

    private static long CharClass(string body, ref int position)
    {
        position++; // '['
        var negated = body[position] == '^';
        var maxCodePoint = 0;
        if (negated)
        {
            position++;
        }

        while (body[position] != ']')
        {
            maxCodePoint = Math.Max(maxCodePoint, ReadChar(body, ref position));
        }

        position++;
        return negated ? 4 : Utf8Length(maxCodePoint);
    }

    // One (possibly escaped) character of a literal or class, as a code point.
    private static int ReadChar(string body, ref int position)
    {
        var c = body[position++];
        if (c != '\\')
        {
            return char.IsHighSurrogate(c) ? char.ConvertToUtf32(c, body[position++]) : c;
        }

        var escape = body[position++];
        var hexDigits = escape switch { 'x' => 2, 'u' => 4, 'U' => 8, _ => 0 };
        if (hexDigits == 0)
        {
            return escape switch { 'n' => '\n', 'r' => '\r', 't' => '\t', _ => escape };
        }

        var value = int.Parse(body.AsSpan(position, hexDigits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        position += hexDigits;
        return value;
    }

    private static int Utf8Length(int codePoint) => codePoint switch
    {
        < 0x80 => 1,
        < 0x800 => 2,
        < 0x10000 => 3,
        _ => 4,
    };

    private static void SkipSpaces(string body, ref int position)
    {
        while (position < body.Length && body[position] is ' ' or '\t' or '\r')
        {
            position++;
        }
    }

    private static long Add(long a, long b) => a == Unbounded || b == Unbounded || a > Unbounded - b ? Unbounded : a + b;

    private static long Multiply(long a, long b) => b == 0 ? 0 : a == Unbounded || a > Unbounded / b ? Unbounded : a * b;
}
