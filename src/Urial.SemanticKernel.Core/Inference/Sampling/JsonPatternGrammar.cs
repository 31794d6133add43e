using System.Globalization;
using System.Text;

namespace Urial.SemanticKernel;

/// <summary>
/// Translates a JSON Schema <c>pattern</c> in the <see cref="RegexNode"/> subset into a grammar for the JSON strings
/// (quoted and escaped) whose text the pattern matches. Unbounded repetitions get at most
/// <see cref="JsonGrammarLimits.MaxStringLength"/> more; an unanchored side may add up to that many free characters.
/// Patterns outside the subset return null: the string is then only bounded, and the pattern enforced after decoding.
/// </summary>
internal static class JsonPatternGrammar
{
    /// <summary>Returns a rule for the JSON strings matching <paramref name="pattern"/>, or null when the pattern is outside the subset.</summary>
    public static string? Translate(string pattern, GbnfRuleSet rules, JsonPrimitiveRules json, JsonGrammarLimits limits, string hint)
    {
        if (pattern.Length > JsonSchemaBounds.MaxPatternLength || RegexNode.Parse(pattern) is not { } parsed)
        {
            return null;
        }

        var emitter = new Emitter(rules, limits, GbnfText.RuleName(hint) + "-pattern");
        string body;
        try
        {
            body = emitter.Emit(parsed.Node);
        }
        catch (NotSupportedException)
        {
            return null; // e.g. a character set that matches nothing
        }

        var free = GbnfText.Repeated(json.Char, 0, limits.MaxStringLength);
        var text = $"{(parsed.AtStart ? string.Empty : free)} {body} {(parsed.AtEnd ? string.Empty : free)}".Trim();
        return rules.Add(hint + "-pattern", $"\"\\\"\" {text} \"\\\"\"");
    }

    private sealed class Emitter(GbnfRuleSet rules, JsonGrammarLimits limits, string hint)
    {
        public string Emit(RegexNode node) => node switch
        {
            RegexAlternation alternation => rules.Add(hint, string.Join(" | ", alternation.Alternatives.Select(a => Atomic(Emit(a))))),
            RegexSequence sequence => sequence.Items.Count == 0 ? "\"\"" : string.Join(" ", sequence.Items.Select(Emit)),
            RegexRepeat repeat => GbnfText.Repeated(
                Atomic(Emit(repeat.Node)),
                repeat.Min,
                Math.Min(JsonGrammarLimits.NativeRepetitionThreshold, repeat.Max ?? repeat.Min + limits.MaxStringLength)),
            RegexCharSet set => CharSet(set),
            _ => throw new NotSupportedException("Unknown regex node."),
        };

        // An element GBNF can repeat: a single name, literal or class as is, anything else as its own rule.
        private string Atomic(string element) =>
            element.Length > 0 && !element.Contains(' ', StringComparison.Ordinal) && !element.Contains('|', StringComparison.Ordinal)
                ? element
                : rules.Add(hint, element.Length == 0 ? "\"\"" : element);

        /// <summary>The JSON encodings of one character of the set: raw where JSON allows, escaped otherwise.</summary>
        private string CharSet(RegexCharSet set)
        {
            // JSON must escape '"', '\' and the C0 controls: they are taken out of the raw class and spelled as escapes.
            var special = new List<int> { '"', '\\' };
            special.AddRange(Enumerable.Range(0, 0x20));
            var alternatives = new List<string>();
            var raw = new StringBuilder();
            if (set.Negated)
            {
                raw.Append("[^");
                foreach (var (from, to) in set.Ranges)
                {
                    raw.Append(ClassRange(from, to));
                }

                raw.Append(ClassRange('"', '"')).Append(ClassRange('\\', '\\')).Append(ClassRange(0, 0x1F)).Append(']');
                alternatives.Add(raw.ToString());
                alternatives.AddRange(special.Where(c => !set.Ranges.Any(r => c >= r.From && c <= r.To)).Select(Escaped));
            }
            else
            {
                foreach (var (from, to) in set.Ranges)
                {
                    foreach (var (a, b) in Subtract(from, to))
                    {
                        raw.Append(ClassRange(a, b));
                    }
                }

                if (raw.Length > 0)
                {
                    alternatives.Add("[" + raw + "]");
                }

                alternatives.AddRange(special.Where(c => set.Ranges.Any(r => c >= r.From && c <= r.To)).Select(Escaped));
            }

            return alternatives.Count switch
            {
                0 => throw new NotSupportedException("The character set matches no character."),
                1 => alternatives[0],
                _ => rules.Add(hint + "-char", string.Join(" | ", alternatives.Distinct(StringComparer.Ordinal))),
            };
        }

        // A range minus the characters JSON must escape.
        private static List<(int, int)> Subtract(int from, int to)
        {
            var pieces = new List<(int, int)> { (from, to) };
            foreach (var excluded in new[] { (0, 0x1F), ('"', '"'), ('\\', '\\') })
            {
                pieces = [.. pieces.SelectMany(p => Cut(p, excluded))];
            }

            return pieces;
        }

        private static IEnumerable<(int, int)> Cut((int From, int To) piece, (int From, int To) excluded)
        {
            if (excluded.To < piece.From || excluded.From > piece.To)
            {
                yield return piece;
                yield break;
            }

            if (piece.From < excluded.From)
            {
                yield return (piece.From, excluded.From - 1);
            }

            if (piece.To > excluded.To)
            {
                yield return (excluded.To + 1, piece.To);
            }
        }

        private static string Escaped(int c) => c switch
        {
            '"' => "\"\\\\\\\"\"",
            '\\' => "\"\\\\\\\\\"",
            '\b' => "\"\\\\b\"",
            '\f' => "\"\\\\f\"",
            '\n' => "\"\\\\n\"",
            '\r' => "\"\\\\r\"",
            '\t' => "\"\\\\t\"",
            _ => "\"\\\\u00" + c.ToString("x2", CultureInfo.InvariantCulture) + "\"",
        };

        private static string ClassRange(int from, int to) => from == to ? ClassChar(from) : ClassChar(from) + "-" + ClassChar(to);

        // Every non-alphanumeric character is written as a hex escape, so no class syntax ('-', ']', '^', '\') can leak.
        private static string ClassChar(int c) =>
            c < 0x80 && char.IsAsciiLetterOrDigit((char)c) ? ((char)c).ToString()
            : c <= 0xFF ? "\\x" + c.ToString("X2", CultureInfo.InvariantCulture)
            : c <= 0xFFFF ? "\\u" + c.ToString("X4", CultureInfo.InvariantCulture)
            : "\\U" + c.ToString("X8", CultureInfo.InvariantCulture);
    }
}
