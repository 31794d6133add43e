using System.Diagnostics.CodeAnalysis;

namespace Urial.SemanticKernel;

/// <summary>
/// Judges a GBNF grammar before any native code sees it: the grammar must parse as llama.cpp parses it, define its root,
/// not be left-recursive, and stay within <see cref="GbnfLimits"/>, which keep llama.cpp's recursive and exponential code
/// paths far from crashing or hanging the process. Pure managed code, safe on any thread, usable for remote engines too.
/// </summary>
internal static class GbnfChecker
{
    /// <summary>Checks <paramref name="gbnf"/> with start rule <paramref name="root"/>.</summary>
    /// <param name="gbnf">The grammar text.</param>
    /// <param name="root">The name of the start rule.</param>
    /// <param name="error">Why the grammar is refused: llama.cpp's own objection, or the bound it exceeds.</param>
    /// <returns><see langword="true"/> when the grammar may be handed to llama.cpp.</returns>
    public static bool TryCheck(string gbnf, string root, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(gbnf);
        ArgumentException.ThrowIfNullOrEmpty(root);
        try
        {
            Check(gbnf, root);
            error = null;
            return true;
        }
        catch (GbnfException ex)
        {
            error = (ex.IsLimit ? "The grammar exceeds a bound that keeps llama.cpp from crashing or hanging: " : "The grammar is not valid GBNF: ") + ex.Message + ".";
            return false;
        }
    }

    /// <summary>Checks <paramref name="gbnf"/> and throws when it is refused.</summary>
    /// <param name="gbnf">The grammar text.</param>
    /// <param name="root">The name of the start rule.</param>
    /// <param name="paramName">The name of the caller's parameter, for the exception.</param>
    /// <exception cref="ArgumentException">The grammar is refused; the message says where and why.</exception>
    public static void Validate(string gbnf, string root, string paramName)
    {
        if (!TryCheck(gbnf, root, out var error))
        {
            throw new ArgumentException(error, paramName);
        }
    }

    private static void Check(string gbnf, string root)
    {
        if (gbnf.Length > GbnfLimits.MaxLength)
        {
            throw new GbnfException($"it has {gbnf.Length} characters, more than {GbnfLimits.MaxLength}", isLimit: true);
        }

        if (gbnf.Contains('\0', StringComparison.Ordinal) || root.Contains('\0', StringComparison.Ordinal))
        {
            throw new GbnfException("it contains a NUL character, where llama.cpp would stop reading");
        }

        if (string.IsNullOrWhiteSpace(gbnf))
        {
            throw new GbnfException("it is empty");
        }

        var grammar = GbnfParser.Parse(gbnf);
        if (!grammar.Symbols.TryGetValue(root, out var rootId))
        {
            throw new GbnfException($"it defines no rule named '{root}', its start rule");
        }

        if (rootId >= grammar.Rules.Count)
        {
            // Named only in a reference that a {0} repetition removed: llama.cpp finds the name and reads past its rule table.
            throw new GbnfException($"it defines no rule named '{root}', its start rule (the name occurs only where a repetition of zero removed it)", isLimit: true);
        }

        GbnfAnalysis.Check(grammar, rootId);
    }
}
