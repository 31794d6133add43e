using System.Text.RegularExpressions;

namespace Urial.SemanticKernel;

/// <summary>
/// A rough managed diagnosis of common GBNF mistakes, used only to explain a grammar llama.cpp already rejected
/// (llama.cpp prints its own parse error to stderr, where it cannot be captured safely).
/// </summary>
internal static partial class GbnfLint
{
    /// <summary>Returns a description of the first problem found, or null.</summary>
    public static string? Diagnose(string gbnf, string root)
    {
        var defined = new HashSet<string>(StringComparer.Ordinal);
        var referenced = new List<string>();
        var depth = 0;
        var lineNumber = 0;
        foreach (var rawLine in gbnf.Split('\n'))
        {
            lineNumber++;
            var line = StripLiteralsAndComments(rawLine, out var unterminated);
            if (unterminated)
            {
                return $"line {lineNumber}: unterminated string literal or character class";
            }

            var definition = DefinitionRegex().Match(line);
            if (definition.Success)
            {
                if (depth != 0)
                {
                    return $"line {lineNumber}: unbalanced parentheses before rule '{definition.Groups[1].Value}'";
                }

                var name = definition.Groups[1].Value;
                if (!ValidNameRegex().IsMatch(name))
                {
                    return $"line {lineNumber}: invalid rule name '{name}' (only letters, digits and '-' are allowed; no '_')";
                }

                defined.Add(name);
                line = line[definition.Length..];
            }

            foreach (var c in line)
            {
                depth += c == '(' ? 1 : c == ')' ? -1 : 0;
                if (depth < 0)
                {
                    return $"line {lineNumber}: unexpected ')'";
                }
            }

            referenced.AddRange(IdentifierRegex().Matches(line).Select(m => m.Value));
        }

        if (depth != 0)
        {
            return "unbalanced parentheses: a '(' is never closed";
        }

        if (!defined.Contains(root))
        {
            return $"the grammar does not define the root rule '{root}'";
        }

        var undefined = referenced.FirstOrDefault(r => !defined.Contains(r));
        return undefined is null ? null : $"undefined rule '{undefined}'";
    }

    private static string StripLiteralsAndComments(string line, out bool unterminated)
    {
        var result = new System.Text.StringBuilder(line.Length);
        unterminated = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (c == '#')
            {
                break;
            }

            if (c is '"' or '[')
            {
                var close = c == '"' ? '"' : ']';
                var j = i + 1;
                while (j < line.Length && line[j] != close)
                {
                    j += line[j] == '\\' ? 2 : 1;
                }

                if (j >= line.Length)
                {
                    unterminated = true;
                    return string.Empty;
                }

                result.Append(' ');
                i = j;
                continue;
            }

            result.Append(c);
        }

        return result.ToString();
    }

    [GeneratedRegex(@"^\s*([^\s:]+)\s*::=")]
    private static partial Regex DefinitionRegex();

    [GeneratedRegex(@"^[a-zA-Z0-9-]+$")]
    private static partial Regex ValidNameRegex();

    [GeneratedRegex(@"(?<![\w{,])[a-zA-Z][a-zA-Z0-9_-]*")]
    private static partial Regex IdentifierRegex();
}
