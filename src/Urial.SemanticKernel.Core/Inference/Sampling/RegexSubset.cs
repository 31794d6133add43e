namespace Urial.SemanticKernel;

/// <summary>
/// A parsed regular expression in the subset a grammar can express: alternation, concatenation, groups, character
/// sets and bounded or unbounded repetition. Anything else (back-references, look-around, word boundaries, inline
/// options, anchors inside the pattern) makes <see cref="Parse"/> return null.
/// </summary>
internal abstract record RegexNode
{
    /// <summary>The deepest group nesting parsed.</summary>
    public const int MaxNesting = 16;

    /// <summary>Parses an ECMAScript-style pattern (JSON Schema's dialect); null when it is outside the subset.</summary>
    /// <returns>The node and whether the pattern is anchored at the start and at the end.</returns>
    public static (RegexNode Node, bool AtStart, bool AtEnd)? Parse(string pattern)
    {
        var parser = new RegexSubsetParser(pattern);
        return parser.TryParse(out var node, out var atStart, out var atEnd) ? (node!, atStart, atEnd) : null;
    }
}

/// <summary>One of several alternatives.</summary>
internal sealed record RegexAlternation(IReadOnlyList<RegexNode> Alternatives) : RegexNode;

/// <summary>A sequence.</summary>
internal sealed record RegexSequence(IReadOnlyList<RegexNode> Items) : RegexNode;

/// <summary>A node repeated <see cref="Min"/> to <see cref="Max"/> times (null = unbounded).</summary>
internal sealed record RegexRepeat(RegexNode Node, int Min, int? Max) : RegexNode;

/// <summary>One character from a set of code-point ranges, or (negated) from every code point outside them.</summary>
internal sealed record RegexCharSet(IReadOnlyList<(int From, int To)> Ranges, bool Negated) : RegexNode;
