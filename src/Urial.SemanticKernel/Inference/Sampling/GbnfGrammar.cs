namespace Urial.SemanticKernel;

/// <summary>A parsed GBNF grammar in llama.cpp's representation: rules indexed by symbol id, each a list of alternatives ending in <see cref="GbnfElementKind.End"/>.</summary>
/// <param name="Rules">The rules, indexed by symbol id.</param>
/// <param name="Symbols">The symbol id of every rule name, written or generated.</param>
internal sealed record GbnfGrammar(IReadOnlyList<GbnfElement[]> Rules, IReadOnlyDictionary<string, uint> Symbols);
