namespace Urial.SemanticKernel;

/// <summary>A parsed GBNF grammar in llama.cpp's representation: rules indexed by symbol id, each a list of alternatives ending in <see cref="GbnfElementKind.End"/>.</summary>
/// <param name="Rules">The rules, indexed by symbol id.</param>
/// <param name="Symbols">The symbol id of every rule name, written or generated.</param>
internal sealed record GbnfGrammar(IReadOnlyList<GbnfElement[]> Rules, IReadOnlyDictionary<string, uint> Symbols)
{
    /// <summary>Gets the index of the first element of each alternative of a rule.</summary>
    public static IEnumerable<int> AlternativeStarts(GbnfElement[] rule)
    {
        yield return 0;
        for (var i = 0; i < rule.Length - 1; i++)
        {
            if (rule[i].Kind == GbnfElementKind.Alternative)
            {
                yield return i + 1;
            }
        }
    }
}
