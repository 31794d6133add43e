using System.Text;

namespace Urial.SemanticKernel;

/// <summary>
/// Reads text against a GBNF grammar one code point at a time, as llama.cpp's grammar sampler does (the same parse stacks,
/// advanced the same way), for engines whose server cannot constrain its output: it tells where a decoded answer stops being
/// a prefix of the grammar's language, where it was last a whole sentence of it, and which text every valid continuation
/// must begin with.
/// </summary>
/// <remarks>
/// Create it only for a grammar <see cref="GbnfChecker"/> accepted: its bounds keep each step's number of parse stacks small,
/// and duplicate stacks are merged, so no text makes the work explode. Not thread-safe.
/// </remarks>
internal sealed class GbnfMatcher
{
    /// <summary>
    /// The most parse stacks the matcher tracks at once. A grammar whose parses multiply with the text (optional parts that
    /// repeat inside recursion) would otherwise cost exponential work per character, as it does llama.cpp's sampler; JSON
    /// grammars of tool calls and schemas need a few dozen.
    /// </summary>
    public const int MaxParseStacks = 4_096;

    private readonly IReadOnlyList<GbnfElement[]> _rules;
    private HashSet<ParseStack?> _stacks;

    private GbnfMatcher(GbnfGrammar grammar, uint root)
    {
        _rules = grammar.Rules;
        var initial = new List<ParseStack?>();
        foreach (var start in AlternativeStarts((int)root))
        {
            initial.Add(_rules[(int)root][start].EndsSequence ? null : new ParseStack((int)root, start, null));
        }

        _stacks = Advance(initial);
        LastCompleteLength = IsComplete ? 0 : -1;
    }

    /// <summary>Gets how many characters were accepted so far.</summary>
    public int Length { get; private set; }

    /// <summary>Gets how many of the accepted characters formed a whole sentence of the grammar the last time they did, or -1.</summary>
    public int LastCompleteLength { get; private set; }

    /// <summary>Gets a value indicating whether the text accepted so far is a whole sentence of the grammar.</summary>
    public bool IsComplete => _stacks.Contains(null);

    /// <summary>Gets a value indicating whether the text accepted so far is a whole sentence that nothing may follow.</summary>
    public bool IsFinished => _stacks.Count == 1 && IsComplete;

    /// <summary>Creates a matcher for a grammar that <see cref="GbnfChecker"/> accepted.</summary>
    /// <param name="gbnf">The grammar.</param>
    /// <param name="root">The start rule.</param>
    public static GbnfMatcher Create(string gbnf, string root = "root")
    {
        var grammar = GbnfParser.Parse(gbnf);
        return new GbnfMatcher(grammar, grammar.Symbols[root]);
    }

    /// <summary>Accepts the longest prefix of <paramref name="text"/> that keeps the text so far a prefix of the grammar's language.</summary>
    /// <returns>How many characters of <paramref name="text"/> were accepted; fewer than its length when a character could not be.</returns>
    public int Accept(string text)
    {
        var accepted = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            var next = Step(rune.Value);
            if (next.Count == 0)
            {
                break;
            }

            _stacks = next;
            accepted += rune.Utf16SequenceLength;
            Length += rune.Utf16SequenceLength;
            if (IsComplete)
            {
                LastCompleteLength = Length;
            }
        }

        return accepted;
    }

    /// <summary>Returns whether the grammar allows <paramref name="codePoint"/> after the text accepted so far.</summary>
    public bool Allows(int codePoint) => Step(codePoint).Count > 0;

    /// <summary>
    /// Accepts the text the grammar leaves no choice about, formatting white space aside, and returns it: keys, punctuation
    /// and names a valid answer must contain, up to the first real choice (or the point where the text may end).
    /// </summary>
    /// <param name="maxLength">The most characters to accept.</param>
    /// <remarks>
    /// Where the grammar allows optional white space before a character it requires, the character is taken and the space
    /// skipped: the text stays a prefix of the language (compactly formatted), and a model that cannot be constrained does
    /// not have to guess the structure.
    /// </remarks>
    public string AcceptScaffold(int maxLength)
    {
        var scaffold = new StringBuilder();
        while (scaffold.Length < maxLength && ScaffoldCodePoint() is { } codePoint)
        {
            var text = char.ConvertFromUtf32(codePoint);
            Accept(text);
            scaffold.Append(text);
        }

        return scaffold.ToString();
    }

    /// <summary>The one character every stack that does not expect white space expects next, or <see langword="null"/> when the text may end here or go on in more than one way.</summary>
    private int? ScaffoldCodePoint()
    {
        int? required = null;
        int? space = null;
        var spaceIsOptional = false;
        foreach (var stack in _stacks)
        {
            if (stack is null)
            {
                return null; // the text may end here
            }

            var elements = _rules[stack.Rule];
            var element = elements[stack.Index];
            var literal = element.Kind == GbnfElementKind.Char
                && elements[stack.Index + 1].Kind is not (GbnfElementKind.CharAlternative or GbnfElementKind.CharRangeUpper);
            if (literal && !IsFormattingSpace(element.Value))
            {
                if (required is { } other && other != (int)element.Value)
                {
                    return null;
                }

                required = (int)element.Value;
            }
            else if (literal)
            {
                spaceIsOptional |= space is { } other && other != (int)element.Value;
                space = (int)element.Value;
            }
            else if (IsSpaceClass(elements, stack.Index))
            {
                spaceIsOptional = true;
            }
            else
            {
                return null; // a class of characters: the model's choice
            }
        }

        return required ?? (spaceIsOptional ? null : space);
    }

    /// <summary>Whether the character element at <paramref name="index"/> is a positive class of formatting white space only (JSON's <c>ws</c>).</summary>
    private static bool IsSpaceClass(GbnfElement[] elements, int index)
    {
        if (elements[index].Kind != GbnfElementKind.Char)
        {
            return false;
        }

        do
        {
            var upper = elements[index + 1].Kind == GbnfElementKind.CharRangeUpper ? elements[index + 1].Value : elements[index].Value;
            for (var c = elements[index].Value; c <= upper; c++)
            {
                if (!IsFormattingSpace(c))
                {
                    return false;
                }
            }

            index += elements[index + 1].Kind == GbnfElementKind.CharRangeUpper ? 2 : 1;
        }
        while (elements[index].Kind == GbnfElementKind.CharAlternative);

        return true;
    }

    private static bool IsFormattingSpace(uint codePoint) => codePoint is ' ' or '\t' or '\n' or '\r';

    /// <summary>The stacks after <paramref name="codePoint"/>: llama.cpp's <c>llama_grammar_accept</c>.</summary>
    private HashSet<ParseStack?> Step(int codePoint)
    {
        var moved = new List<ParseStack?>();
        foreach (var stack in _stacks)
        {
            if (stack is null)
            {
                continue; // a finished sentence takes no more characters
            }

            var (matches, after) = MatchChar(_rules[stack.Rule], stack.Index, codePoint);
            if (matches)
            {
                moved.Add(_rules[stack.Rule][after].EndsSequence ? stack.Next : new ParseStack(stack.Rule, after, stack.Next));
            }
        }

        return Advance(moved);
    }

    /// <summary>Expands every stack until a character element is on top (or the stack is empty): llama.cpp's <c>llama_grammar_advance_stack</c>, iteratively.</summary>
    private HashSet<ParseStack?> Advance(List<ParseStack?> stacks)
    {
        var advanced = new HashSet<ParseStack?>();
        var pending = new Stack<ParseStack?>(stacks);
        while (pending.Count > 0)
        {
            var stack = pending.Pop();
            if (stack is null || _rules[stack.Rule][stack.Index].Kind != GbnfElementKind.RuleReference)
            {
                advanced.Add(stack);
                continue;
            }

            var elements = _rules[stack.Rule];
            var rest = elements[stack.Index + 1].EndsSequence ? stack.Next : new ParseStack(stack.Rule, stack.Index + 1, stack.Next);
            var target = (int)elements[stack.Index].Value;
            foreach (var start in AlternativeStarts(target))
            {
                pending.Push(_rules[target][start].EndsSequence ? rest : new ParseStack(target, start, rest));
            }

            if (advanced.Count + pending.Count > MaxParseStacks)
            {
                throw new InvalidOperationException(
                    $"The grammar is too ambiguous to check text against: after {Length} characters it has more than {MaxParseStacks} ways to continue. " +
                    "Make optional parts that repeat inside recursion unambiguous, or use a server that constrains output itself.");
            }
        }

        return advanced;
    }

    /// <summary>Matches a code point against the character element at <paramref name="index"/>: llama.cpp's <c>llama_grammar_match_char</c>.</summary>
    /// <returns>Whether it matches, and the index after the element.</returns>
    private static (bool Matches, int After) MatchChar(GbnfElement[] elements, int index, int codePoint)
    {
        var positive = elements[index].Kind is GbnfElementKind.Char or GbnfElementKind.CharAny;
        var found = false;
        do
        {
            var element = elements[index];
            if (elements[index + 1].Kind == GbnfElementKind.CharRangeUpper)
            {
                found |= element.Value <= codePoint && codePoint <= elements[index + 1].Value;
                index += 2;
            }
            else
            {
                found |= element.Kind == GbnfElementKind.CharAny || element.Value == codePoint;
                index++;
            }
        }
        while (elements[index].Kind == GbnfElementKind.CharAlternative);

        return (found == positive, index);
    }

    private IEnumerable<int> AlternativeStarts(int rule) => GbnfGrammar.AlternativeStarts(_rules[rule]);

    /// <summary>One parse stack, top first: the position of the next element to match, then the positions to return to.</summary>
    /// <remarks>Immutable and shared between stacks; equal when the positions are, so that duplicate stacks merge.</remarks>
    private sealed class ParseStack : IEquatable<ParseStack>
    {
        private readonly int _hash;

        public ParseStack(int rule, int index, ParseStack? next)
        {
            Rule = rule;
            Index = index;
            Next = next;
            _hash = HashCode.Combine(rule, index, next?._hash ?? 0);
        }

        public int Rule { get; }

        public int Index { get; }

        public ParseStack? Next { get; }

        public bool Equals(ParseStack? other)
        {
            var (a, b) = (this, other);
            while (a is not null && b is not null && !ReferenceEquals(a, b))
            {
                if (a._hash != b._hash || a.Rule != b.Rule || a.Index != b.Index)
                {
                    return false;
                }

                (a, b) = (a.Next, b.Next);
            }

            return ReferenceEquals(a, b);
        }

        public override bool Equals(object? obj) => Equals(obj as ParseStack);

        public override int GetHashCode() => _hash;
    }
}
