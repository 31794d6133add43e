namespace Urial.SemanticKernel;

/// <summary>
/// The bounds <see cref="GbnfChecker"/> enforces on a GBNF grammar before any native code parses it. llama.cpp's grammar
/// code recurses and expands without limits: deep nesting overflows the native stack (measured: 20,000 nested groups
/// abort the process from a thread-pool thread, 15,000 pass), a long chain of leftmost rule references overflows its
/// left-recursion check (100,000 abort, 30,000 pass), and some grammars make it loop for practically ever
/// (<c>"a"{5,2}</c> iterates 2^64 times; 25 rules that each offer two alternatives starting with the next rule make
/// its left-recursion check and its first expansion visit 2^25 paths). Each bound sits far below the measured failure.
/// </summary>
internal static class GbnfLimits
{
    /// <summary>The longest grammar text, in characters.</summary>
    public const int MaxLength = 512 * 1024;

    /// <summary>The deepest nesting of parenthesized groups.</summary>
    public const int MaxNestingDepth = 128;

    /// <summary>The most rules, counting those llama.cpp generates for groups and repetitions.</summary>
    public const int MaxRules = 16_384;

    /// <summary>The most grammar elements after llama.cpp expands repetitions (<c>x{3}</c> holds three copies of <c>x</c>).</summary>
    public const int MaxElements = 1_000_000;

    /// <summary>The longest chain of rules that start with the next rule of the chain (the depth of llama.cpp's left-recursion check).</summary>
    public const int MaxLeftChainDepth = 1_024;

    /// <summary>The most rule visits llama.cpp's left-recursion check may make (it revisits shared rules once per path).</summary>
    public const long MaxLeftRecursionVisits = 200_000;

    /// <summary>The most parse stacks one expansion may produce from any position (the sampler's work per token grows with them).</summary>
    public const long MaxExpansionPaths = 10_000;

    /// <summary>llama.cpp's own bound on repetition counts (<c>MAX_REPETITION_THRESHOLD</c>).</summary>
    public const int NativeRepetitionThreshold = 2000;
}
