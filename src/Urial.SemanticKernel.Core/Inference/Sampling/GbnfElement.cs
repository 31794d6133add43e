namespace Urial.SemanticKernel;

/// <summary>One element of a parsed GBNF rule, the same vocabulary as llama.cpp's <c>llama_grammar_element</c>.</summary>
/// <param name="Kind">What the element is.</param>
/// <param name="Value">A code point, or a rule id for <see cref="GbnfElementKind.RuleReference"/>.</param>
internal readonly record struct GbnfElement(GbnfElementKind Kind, uint Value)
{
    /// <summary>Gets a value indicating whether the element ends an alternative (<see cref="GbnfElementKind.End"/> or <see cref="GbnfElementKind.Alternative"/>).</summary>
    public bool EndsSequence => Kind is GbnfElementKind.End or GbnfElementKind.Alternative;
}

/// <summary>The kinds of <see cref="GbnfElement"/>.</summary>
internal enum GbnfElementKind
{
    /// <summary>The end of a rule.</summary>
    End,

    /// <summary>The start of the next alternative of a rule.</summary>
    Alternative,

    /// <summary>A reference to another rule.</summary>
    RuleReference,

    /// <summary>A character, or the first of a character class.</summary>
    Char,

    /// <summary>The first of a negated character class.</summary>
    CharNot,

    /// <summary>A further character of a class.</summary>
    CharAlternative,

    /// <summary>The upper end of a range whose lower end is the previous element.</summary>
    CharRangeUpper,

    /// <summary>Any character (<c>.</c>).</summary>
    CharAny,
}
