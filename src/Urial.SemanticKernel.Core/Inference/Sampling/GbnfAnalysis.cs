namespace Urial.SemanticKernel;

/// <summary>
/// Measures, without running it, the work llama.cpp's grammar code would do with a parsed grammar: its left-recursion
/// check (a recursion with no memory of finished rules, so shared rules are revisited once per path) and the parse stacks
/// one expansion creates. Both are exponential in the worst case; the checker refuses grammars beyond <see cref="GbnfLimits"/>.
/// </summary>
/// <remarks>Everything here is iterative: the grammar is caller data, and recursing over it is exactly the hazard being measured.</remarks>
internal sealed class GbnfAnalysis
{
    private const long Saturated = long.MaxValue / 4;

    private readonly IReadOnlyList<GbnfElement[]> _rules;
    private readonly bool[] _mayBeEmpty;
    private readonly List<int>[] _leftTargets;

    private GbnfAnalysis(IReadOnlyList<GbnfElement[]> rules)
    {
        _rules = rules;
        _mayBeEmpty = new bool[rules.Count];
        _leftTargets = new List<int>[rules.Count];
        for (var i = 0; i < rules.Count; i++)
        {
            _mayBeEmpty[i] = HasEmptyAlternative(rules[i]);
        }

        for (var i = 0; i < rules.Count; i++)
        {
            _leftTargets[i] = LeftTargets(rules[i]);
        }
    }

    /// <summary>Checks <paramref name="grammar"/> for left recursion and for the bounds on llama.cpp's work.</summary>
    /// <exception cref="GbnfException">The grammar is left-recursive (llama.cpp rejects it) or exceeds a bound.</exception>
    public static void Check(GbnfGrammar grammar, uint root)
    {
        var analysis = new GbnfAnalysis(grammar.Rules);
        analysis.CheckLeftRecursion(grammar);
        analysis.CheckExpansions(grammar, root);
    }

    /// <summary>A rule may be empty, in llama.cpp's sense, when one of its alternatives has no element.</summary>
    private static bool HasEmptyAlternative(GbnfElement[] rule)
    {
        var atStart = true;
        foreach (var element in rule)
        {
            if (element.EndsSequence)
            {
                if (atStart)
                {
                    return true;
                }

                atStart = true;
            }
            else
            {
                atStart = false;
            }
        }

        return false;
    }

    /// <summary>The rules llama.cpp's left-recursion check visits from this one, once per occurrence, in order.</summary>
    private List<int> LeftTargets(GbnfElement[] rule)
    {
        var targets = new List<int>();
        var leftmost = true;
        foreach (var element in rule)
        {
            if (element.Kind == GbnfElementKind.RuleReference && leftmost)
            {
                targets.Add((int)element.Value);
                leftmost = _mayBeEmpty[element.Value];
            }
            else
            {
                leftmost = element.EndsSequence;
            }
        }

        return targets;
    }

    private void CheckLeftRecursion(GbnfGrammar grammar)
    {
        // visits[r] = 1 + the visits of every leftmost occurrence, depth[r] likewise; a post-order walk with an explicit stack.
        var count = _rules.Count;
        var visits = new long[count];
        var depth = new int[count];
        var state = new byte[count]; // 0 unseen, 1 on the walk, 2 done
        var walk = new Stack<(int Rule, int Next)>();
        for (var start = 0; start < count; start++)
        {
            if (state[start] != 0)
            {
                continue;
            }

            walk.Push((start, 0));
            state[start] = 1;
            while (walk.Count > 0)
            {
                var (rule, next) = walk.Pop();
                var targets = _leftTargets[rule];
                if (next < targets.Count)
                {
                    walk.Push((rule, next + 1));
                    var target = targets[next];
                    if (state[target] == 1)
                    {
                        throw new GbnfException($"the rule '{NameOf(grammar, rule)}' is left-recursive (it can start with itself), which llama.cpp does not support; rewrite it right-recursively");
                    }

                    if (state[target] == 0)
                    {
                        state[target] = 1;
                        walk.Push((target, 0));
                    }

                    continue;
                }

                long total = 1;
                var deepest = 0;
                foreach (var target in targets)
                {
                    total = Math.Min(Saturated, total + visits[target]);
                    deepest = Math.Max(deepest, depth[target]);
                }

                visits[rule] = total;
                depth[rule] = deepest + 1;
                state[rule] = 2;
                if (depth[rule] > GbnfLimits.MaxLeftChainDepth)
                {
                    throw new GbnfException($"a chain of more than {GbnfLimits.MaxLeftChainDepth} rules each starting with the next one (from '{NameOf(grammar, rule)}') would overflow llama.cpp's left-recursion check", isLimit: true);
                }
            }
        }

        // llama.cpp starts its check at every rule its earlier starts did not reach, in index order.
        var reached = new bool[count];
        long native = 0;
        var pending = new Stack<int>();
        for (var start = 0; start < count; start++)
        {
            if (reached[start])
            {
                continue;
            }

            native = Math.Min(Saturated, native + visits[start]);
            reached[start] = true;
            pending.Push(start);
            while (pending.Count > 0)
            {
                foreach (var target in _leftTargets[pending.Pop()])
                {
                    if (!reached[target])
                    {
                        reached[target] = true;
                        pending.Push(target);
                    }
                }
            }
        }

        if (native > GbnfLimits.MaxLeftRecursionVisits)
        {
            throw new GbnfException($"llama.cpp's left-recursion check would visit about {Describe(native)} rules (limit {GbnfLimits.MaxLeftRecursionVisits}): rules shared by many alternatives are visited once per path; factor the common start out of the alternatives", isLimit: true);
        }
    }

    /// <summary>
    /// Counts the parse stacks llama.cpp's <c>advance_stack</c> creates from each position: a rule reference on top opens one
    /// stack per alternative of the rule; an alternative that matches nothing continues after the reference (and a rule end
    /// reached that way continues in its caller); a character ends the expansion. A position that reaches itself this way is
    /// a left recursion through rules that match nothing: llama.cpp's own check (which counts a rule as possibly empty only
    /// when one of its alternatives is written empty) misses it, and expands it until memory runs out.
    /// </summary>
    private void CheckExpansions(GbnfGrammar grammar, uint root)
    {
        var expansions = new Expansion[_rules.Count][];
        for (var i = 0; i < _rules.Count; i++)
        {
            expansions[i] = new Expansion[_rules[i].Length];
        }

        var walk = new Stack<(int Rule, int Index, int Phase)>();
        for (var rule = 0; rule < _rules.Count; rule++)
        {
            for (var index = 0; index < _rules[rule].Length; index++)
            {
                if (!expansions[rule][index].Known)
                {
                    Compute(grammar, expansions, walk, rule, index);
                }

                CheckBound(expansions[rule][index].Stacks);
            }
        }

        long fromRoot = 0;
        foreach (var start in AlternativeStarts((int)root))
        {
            fromRoot = Add(fromRoot, expansions[root][start].Stacks);
        }

        CheckBound(fromRoot);
    }

    /// <summary>Computes the <see cref="Expansion"/> at one position by an iterative post-order walk.</summary>
    /// <remarks>
    /// Phase 0 asks for the expansions of the referenced rule's alternatives; phase 1 adds them up and, when some of them match
    /// nothing, asks for the position after the reference; phase 2 combines the two.
    /// </remarks>
    private void Compute(GbnfGrammar grammar, Expansion[][] expansions, Stack<(int Rule, int Index, int Phase)> walk, int rule, int index)
    {
        walk.Push((rule, index, 0));
        while (walk.Count > 0)
        {
            var (r, i, phase) = walk.Pop();
            ref var here = ref expansions[r][i];
            if (here.Known)
            {
                continue;
            }

            var element = _rules[r][i];
            if (element.Kind != GbnfElementKind.RuleReference)
            {
                here = element.EndsSequence ? new Expansion(0, 1) : new Expansion(1, 0);
                continue;
            }

            var target = (int)element.Value;
            switch (phase)
            {
                case 0:
                    if (here.Computing)
                    {
                        throw new GbnfException(
                            $"the rule '{NameOf(grammar, r)}' can start with itself through rules that may match nothing; llama.cpp's left-recursion check " +
                            "misses this and expands it until memory runs out; make the rules in between match at least one character",
                            isLimit: true);
                    }

                    here.Computing = true;
                    walk.Push((r, i, 1));
                    foreach (var start in AlternativeStarts(target))
                    {
                        walk.Push((target, start, 0));
                    }

                    break;
                case 1:
                    var (terminal, end) = SumOfAlternatives(expansions, target);
                    here.Terminal = terminal;
                    here.End = end;
                    if (end > 0)
                    {
                        walk.Push((r, i, 2));
                        walk.Push((r, i + 1, 0));
                    }
                    else
                    {
                        here.Known = true;
                    }

                    break;
                default:
                    // Every way through the rule that matched nothing continues with what follows the reference.
                    var after = expansions[r][i + 1];
                    here.Terminal = Add(here.Terminal, Multiply(here.End, after.Terminal));
                    here.End = Multiply(here.End, after.End);
                    here.Known = true;
                    break;
            }
        }
    }

    private (long Terminal, long End) SumOfAlternatives(Expansion[][] expansions, int rule)
    {
        long terminal = 0, end = 0;
        foreach (var start in AlternativeStarts(rule))
        {
            terminal = Add(terminal, expansions[rule][start].Terminal);
            end = Add(end, expansions[rule][start].End);
        }

        return (terminal, end);
    }

    private static void CheckBound(long stacks)
    {
        if (stacks > GbnfLimits.MaxExpansionPaths)
        {
            throw new GbnfException(
                $"one step of llama.cpp's grammar sampler could open about {Describe(stacks)} parse stacks (limit {GbnfLimits.MaxExpansionPaths}): alternatives that begin alike multiply each other; factor their common start out",
                isLimit: true);
        }
    }

    private static long Add(long a, long b) => Math.Min(Saturated, a + b);

    private static long Multiply(long a, long b) => a == 0 || b == 0 ? 0 : a > Saturated / b ? Saturated : a * b;

    private IEnumerable<int> AlternativeStarts(int rule) => GbnfGrammar.AlternativeStarts(_rules[rule]);

    private static string Describe(long count) => count >= Saturated ? "more than 10^18" : count.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);

    private static string NameOf(GbnfGrammar grammar, int rule) => grammar.Symbols.FirstOrDefault(pair => pair.Value == rule).Key ?? $"#{rule}";

    /// <summary>The stacks an expansion from one position ends with: at a character, or at the end of the current alternative (continuing in the caller).</summary>
    private struct Expansion(long terminal, long end)
    {
        public long Terminal = terminal;
        public long End = end;
        public bool Known = true;
        public bool Computing;

        public readonly long Stacks => Add(Terminal, End);
    }
}
