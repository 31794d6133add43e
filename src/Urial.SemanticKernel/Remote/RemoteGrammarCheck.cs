namespace Urial.SemanticKernel;

/// <summary>Checks a grammar before any server sees it: llama-server silently ignores an invalid grammar (HTTP 200, unconstrained output) and aborts on some.</summary>
internal static class RemoteGrammarCheck
{
    /// <summary>The longest grammar sent: generated grammars stay far below; a larger one is a mistake, not a use.</summary>
    private const int MaxGrammarLength = 1_000_000;

    /// <exception cref="ArgumentException">The grammar is invalid; the message says why.</exception>
    public static void Validate(GenerationGrammar? grammar)
    {
        if (grammar is null)
        {
            return;
        }

        var gbnf = grammar.Gbnf;
        string? problem = null;
        if (gbnf.Length > MaxGrammarLength)
        {
            problem = $"it has {gbnf.Length} characters; at most {MaxGrammarLength} are accepted";
        }
        else if (gbnf.TrimStart().StartsWith('%'))
        {
            problem = "it starts with a '%' directive (llama-server aborts on '%llguidance' grammars)";
        }
        else
        {
            problem = GbnfLint.Diagnose(gbnf, "root");
        }

        if (problem is not null)
        {
            throw new ArgumentException($"The grammar of this request is invalid and was not sent: {problem}.", nameof(grammar));
        }
    }
}
