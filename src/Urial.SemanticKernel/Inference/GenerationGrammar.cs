namespace Urial.SemanticKernel;

/// <summary>A GBNF grammar that constrains a completion, from its first token or from a trigger text on.</summary>
/// <param name="Gbnf">The grammar in llama.cpp's GBNF, with a rule named <c>root</c>. It is validated before any sampler uses it.</param>
/// <param name="Trigger">
/// <see langword="null"/> to constrain the whole completion; otherwise the model writes freely until it produces this
/// text, and from there on the completion must match the grammar, whose language then starts with the trigger itself.
/// </param>
public sealed record GenerationGrammar(string Gbnf, string? Trigger = null);
