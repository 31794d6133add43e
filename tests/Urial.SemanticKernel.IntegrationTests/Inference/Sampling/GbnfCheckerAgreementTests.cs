using System.Globalization;
using System.Text;
using LLama.Native;
using Xunit;

namespace Urial.SemanticKernel;

/// <summary>
/// The managed GBNF checker against its oracle, llama.cpp's own grammar parser (<c>llama_sampler_init_grammar</c> through
/// <see cref="GrammarValidator"/>): on random grammars, valid and broken, both must give the same verdict. Grammars the
/// checker refuses for a bound only (<see cref="GbnfException.IsLimit"/>) are not shown to llama.cpp, which may crash or hang on them.
/// </summary>
public sealed class GbnfCheckerAgreementTests(ModelFixture model)
{
    /// <summary>Cases per run; <c>URIAL_PROPERTY_SCALE</c> multiplies it for a longer run (docs/reliability.md).</summary>
    private static readonly int Cases = 4_000 * PropertyScale.Factor;

    private SafeLlamaModelHandle Model => model.Weights.NativeHandle;

    [Fact]
    public void The_checker_and_llama_cpps_parser_agree_on_random_grammars()
    {
        const int seed = 20261203;
        TestContext.Current.SendDiagnosticMessage($"GBNF agreement: seed {seed}, {Cases} grammars");
        var random = new Random(seed);
        int accepted = 0, rejected = 0, refusedForBounds = 0;
        var reasons = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < Cases; i++)
        {
            var (gbnf, root) = RandomGrammarGenerator.Next(random);
            var managed = GbnfChecker.TryCheck(gbnf, root, out var managedError);
            if (!managed && managedError!.StartsWith("The grammar exceeds a bound", StringComparison.Ordinal))
            {
                refusedForBounds++;
                continue;
            }

            var native = GrammarValidator.TryValidate(Model, gbnf, root, out var nativeError);
            Assert.True(managed == native, $"case {i} (seed {seed}): the checker says {(managed ? "valid" : managedError)}, llama.cpp says {(native ? "valid" : nativeError)}, for root '{root}' and grammar:\n{gbnf}");
            if (native)
            {
                accepted++;
            }
            else
            {
                rejected++;
                var reason = managedError!.Split(" at line ")[0];
                reasons[reason] = reasons.GetValueOrDefault(reason) + 1;
            }
        }

        TestContext.Current.SendDiagnosticMessage($"accepted {accepted}, rejected {rejected}, refused for bounds {refusedForBounds}");
        // The generator must exercise both verdicts substantially, or agreement proves little.
        Assert.True(accepted > Cases / 8 && rejected > Cases / 8, $"accepted {accepted}, rejected {rejected} of {Cases}; most frequent objections: " + string.Join("; ", reasons.OrderByDescending(r => r.Value).Take(8).Select(r => $"{r.Value} × {r.Key}")));
    }

    /// <summary>Random GBNF: rules built from every construct llama.cpp parses, then sometimes broken by a one-character edit.</summary>
    private static class RandomGrammarGenerator
    {
        private static readonly string[] s_names = ["root", "a", "b-c", "d1", "Item", "x"];
        private static readonly string[] s_chars = ["a", "z", "0", " ", "é", "😀", "\\n", "\\t", "\\\\", "\\\"", "\\x41", "\\u00e9", "\\U0001F600", "\\[", "\\]", "-", "^", "#"];
        private static readonly char[] s_edits = ['(', ')', '"', '[', ']', '|', '\n', ':', '=', '_', '{', '}', ',', '\\', ' ', '#', '*', '?', '+', '.', '^', '-', '5', 'x'];

        public static (string Gbnf, string Root) Next(Random random)
        {
            var text = new StringBuilder();
            if (random.Next(6) == 0)
            {
                text.Append("# grammar\n");
            }

            // Mostly distinct names, referenced among themselves; now and then a repeated or an undefined one.
            var names = s_names.OrderBy(_ => random.Next()).Take(random.Next(1, 4)).Where(n => n != "root").Prepend("root").ToArray();
            foreach (var name in names)
            {
                text.Append(random.Next(20) == 0 ? Pick(random, s_names) : name).Append(random.Next(4) == 0 ? "::=" : " ::= ");
                Alternates(text, random, names, depth: 0);
                text.Append(random.Next(5) == 0 ? "\r\n" : "\n");
                if (random.Next(8) == 0)
                {
                    text.Append('\n');
                }
            }

            var gbnf = text.ToString();
            if (random.Next(5) == 0)
            {
                gbnf = Edit(gbnf, random);
            }

            return (gbnf, random.Next(20) == 0 ? Pick(random, s_names) : "root");
        }

        private static void Alternates(StringBuilder text, Random random, string[] names, int depth)
        {
            var count = random.Next(1, depth == 0 ? 4 : 3);
            for (var i = 0; i < count; i++)
            {
                if (i > 0)
                {
                    text.Append(depth > 0 && random.Next(3) == 0 ? "\n  | " : " | ");
                }

                Sequence(text, random, names, depth);
            }
        }

        private static void Sequence(StringBuilder text, Random random, string[] names, int depth)
        {
            var items = random.Next(10) == 0 ? 0 : random.Next(1, 4); // an empty alternative at a line's end continues the rule on the next line
            for (var i = 0; i < items; i++)
            {
                if (i > 0)
                {
                    text.Append(' ');
                }

                switch (random.Next(depth < 2 ? 6 : 5))
                {
                    case 0:
                        text.Append('"');
                        for (var c = random.Next(40) == 0 ? 0 : random.Next(1, 4); c > 0; c--)
                        {
                            text.Append(random.Next(150) == 0 ? "\\q" : Pick(random, s_chars));
                        }

                        text.Append('"');
                        break;
                    case 1:
                        text.Append(random.Next(3) == 0 ? "[^" : "[");
                        for (var c = random.Next(40) == 0 ? 0 : random.Next(1, 3); c > 0; c--)
                        {
                            text.Append(Pick(random, s_chars));
                            if (random.Next(3) == 0)
                            {
                                text.Append('-').Append(Pick(random, s_chars));
                            }
                        }

                        text.Append(']');
                        break;
                    case 2:
                        text.Append('.');
                        break;
                    case 3:
                    case 4:
                        text.Append(random.Next(60) == 0 ? "undefined-rule" : Pick(random, names));
                        break;
                    default:
                        text.Append('(');
                        Alternates(text, random, names, depth + 1);
                        text.Append(')');
                        break;
                }

                if (random.Next(3) == 0)
                {
                    text.Append(Repetition(random));
                }
            }
        }

        private static string Repetition(Random random)
        {
            var min = random.Next(0, 4);
            return random.Next(12) switch
            {
                0 => "*",
                1 => "+",
                2 => "?",
                3 => $"{{{min}}}",
                4 => $"{{{min},}}",
                5 or 6 or 7 or 8 or 9 or 10 => $"{{ {min} , {min + random.Next(0, 3)} }}",
                _ => random.Next(20) == 0 ? "{2500}" : $"{{{min},{random.Next(300, 700)}}}",
            };
        }

        private static string Edit(string gbnf, Random random)
        {
            var at = random.Next(gbnf.Length + 1);
            return random.Next(3) switch
            {
                0 when at < gbnf.Length => gbnf.Remove(at, char.IsSurrogate(gbnf[at]) ? Math.Min(2, gbnf.Length - at) : 1),
                1 => gbnf.Insert(at, s_edits[random.Next(s_edits.Length)].ToString(CultureInfo.InvariantCulture)),
                _ => gbnf.Insert(at, s_edits[random.Next(s_edits.Length)].ToString(CultureInfo.InvariantCulture) + s_edits[random.Next(s_edits.Length)]),
            };
        }

        private static string Pick(Random random, string[] values) => values[random.Next(values.Length)];
    }
}
