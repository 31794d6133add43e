using System.Text;
using LLama.Native;
using Urial.Testing;
using Xunit;

namespace Urial.SemanticKernel;

/// <summary>
/// The managed GBNF matcher against its oracle, llama.cpp's own grammar sampler: along random walks through random grammars
/// (each step a character llama.cpp allows), both must allow the same next characters and agree on whether the text may end
/// there; and the structure the matcher writes for a model (<see cref="GbnfMatcher.AcceptScaffold"/>) must be text llama.cpp
/// allows, at points where the text may not end.
/// </summary>
public sealed class GbnfMatcherAgreementTests(ModelFixture model)
{
    private const string Alphabet = "ab01 -\"{}\n";
    private const int MaxWalk = 24;

    /// <summary>Grammars per run; <c>URIAL_PROPERTY_SCALE</c> multiplies it for a longer run (docs/reliability.md).</summary>
    private static readonly int Cases = 2_000 * PropertyScale.Factor;

    [Fact]
    public void The_matcher_and_llama_cpps_grammar_sampler_allow_the_same_characters_and_ends()
    {
        const int seed = 20261212;
        TestContext.Current.SendDiagnosticMessage($"GBNF matcher agreement: seed {seed}, {Cases} grammars");
        var vocab = model.Weights.NativeHandle.Vocab;
        var tokens = SingleCharacterTokens(vocab);
        var random = new Random(seed);
        int grammars = 0, steps = 0, ends = 0, refusals = 0, scaffolds = 0, ambiguous = 0;
        while (grammars < Cases)
        {
            var gbnf = RandomGrammar(random);
            if (!GbnfChecker.TryCheck(gbnf, "root", out _) || !GrammarValidator.TryValidate(model.Weights.NativeHandle, gbnf, "root", out _))
            {
                continue;
            }

            grammars++;
            try
            {
                (var walked, var walkEnds, var walkRefusals, var walkScaffolds) = Walk(gbnf, tokens, vocab, random, $"seed {seed}, case {grammars}");
                (steps, ends, refusals, scaffolds) = (steps + walked, ends + walkEnds, refusals + walkRefusals, scaffolds + walkScaffolds);
            }
            catch (InvalidOperationException ex) when (ex.Message.StartsWith("The grammar is too ambiguous", StringComparison.Ordinal))
            {
                ambiguous++;
            }
        }

        TestContext.Current.SendDiagnosticMessage($"{steps} steps, {ends} where the text may end, {refusals} refused characters, {scaffolds} scaffolds checked, {ambiguous} grammars too ambiguous to follow");
        // Both verdicts must be exercised substantially, or agreement proves little.
        Assert.True(ends > Cases / 4 && refusals > steps && scaffolds > Cases / 2 && ambiguous < Cases / 20, $"steps {steps}, ends {ends}, refusals {refusals}, scaffolds {scaffolds}, ambiguous {ambiguous}");
    }

    /// <summary>Walks one grammar with llama.cpp's sampler and the matcher side by side, checking every step.</summary>
    private static (int Steps, int Ends, int Refusals, int Scaffolds) Walk(
        string gbnf, Dictionary<char, LLamaToken> tokens, SafeLlamaModelHandle.Vocabulary vocab, Random random, string label)
    {
        int steps = 0, ends = 0, refusals = 0, scaffolds = 0;
        using var chain = SafeLLamaSamplerChainHandle.Create(LLamaSamplerChainParams.Default());
        chain.AddGrammar(vocab, gbnf, "root");
        var matcher = GbnfMatcher.Create(gbnf);
        var walk = new StringBuilder();
        while (true)
        {
            var native = Allowed(chain, vocab.Count);
            var nativeChars = Alphabet.Where(c => native[(int)tokens[c]]).ToList();
            var managedChars = Alphabet.Where(c => matcher.Allows(c)).ToList();
            var context = $"grammar ({label}):\n{gbnf}\nafter {Quote(walk.ToString())}";
            Assert.True(nativeChars.SequenceEqual(managedChars), $"llama.cpp allows {Quote(string.Concat(nativeChars))}, the matcher {Quote(string.Concat(managedChars))}; {context}");
            Assert.True(native[(int)vocab.EOS!.Value] == matcher.IsComplete, $"llama.cpp {(matcher.IsComplete ? "does not let" : "lets")} the text end; {context}");
            steps++;
            ends += matcher.IsComplete ? 1 : 0;
            scaffolds += CheckScaffold(gbnf, walk.ToString(), tokens, vocab) ? 1 : 0;
            refusals += Alphabet.Length - nativeChars.Count;
            if (nativeChars.Count == 0 || walk.Length == MaxWalk || (matcher.IsComplete && random.Next(5) == 0))
            {
                break;
            }

            var next = nativeChars[random.Next(nativeChars.Count)];
            chain.Accept(tokens[next]);
            Assert.Equal(1, matcher.Accept(next.ToString()));
            walk.Append(next);
        }

        return (steps, ends, refusals, scaffolds);
    }

    /// <summary>Replays <paramref name="walk"/>, takes the matcher's scaffold and feeds it to llama.cpp: every character allowed, none where the text could end.</summary>
    /// <returns>Whether there was a scaffold in the alphabet to check.</returns>
    private static bool CheckScaffold(string gbnf, string walk, Dictionary<char, LLamaToken> tokens, SafeLlamaModelHandle.Vocabulary vocab)
    {
        var matcher = GbnfMatcher.Create(gbnf);
        Assert.Equal(walk.Length, matcher.Accept(walk));
        var scaffold = matcher.AcceptScaffold(MaxWalk);
        if (scaffold.Length == 0 || scaffold.Any(c => !tokens.ContainsKey(c)))
        {
            return false;
        }

        using var chain = SafeLLamaSamplerChainHandle.Create(LLamaSamplerChainParams.Default());
        chain.AddGrammar(vocab, gbnf, "root");
        foreach (var c in walk)
        {
            chain.Accept(tokens[c]);
        }

        foreach (var c in scaffold)
        {
            var native = Allowed(chain, vocab.Count);
            Assert.True(native[(int)tokens[c]] && !native[(int)vocab.EOS!.Value], $"the scaffold {Quote(scaffold)} after {Quote(walk)} is not forced by llama.cpp at {Quote(c.ToString())}; grammar:\n{gbnf}");
            chain.Accept(tokens[c]);
        }

        return true;
    }

    /// <summary>Which tokens llama.cpp's grammar sampler leaves possible now (the others get a logit of minus infinity).</summary>
    private static bool[] Allowed(SafeLLamaSamplerChainHandle chain, int vocabularySize)
    {
        var candidates = LLamaTokenDataArray.Create(new float[vocabularySize]);
        using (LLamaTokenDataArrayNative.Create(candidates, out var native))
        {
            chain.Apply(ref native);
        }

        var allowed = new bool[vocabularySize];
        foreach (var candidate in candidates.Data.Span)
        {
            allowed[(int)candidate.ID] = !float.IsNegativeInfinity(candidate.Logit);
        }

        return allowed;
    }

    /// <summary>A token whose text is exactly one character, for every character of <see cref="Alphabet"/>.</summary>
    private static Dictionary<char, LLamaToken> SingleCharacterTokens(SafeLlamaModelHandle.Vocabulary vocab)
    {
        var tokens = new Dictionary<char, LLamaToken>();
        for (var id = 0; id < vocab.Count; id++)
        {
            if (vocab.LLamaTokenToString(id, false) is { Length: 1 } piece && Alphabet.Contains(piece[0], StringComparison.Ordinal))
            {
                tokens.TryAdd(piece[0], id);
            }
        }

        Assert.Equal(Alphabet.Length, tokens.Count);
        return tokens;
    }

    /// <summary>Random GBNF over a small ASCII alphabet: literals, classes (ranges, negations, white space only), any, references, groups and repetitions.</summary>
    private static string RandomGrammar(Random random)
    {
        string[] names = ["root", "a", "b-c", "ws"];
        var text = new StringBuilder();
        foreach (var name in names.Take(random.Next(1, names.Length + 1)))
        {
            text.Append(name).Append(" ::= ");
            Alternatives(text, random, names, depth: 0);
            text.Append('\n');
        }

        return text.ToString();
    }

    private static void Alternatives(StringBuilder text, Random random, string[] names, int depth)
    {
        for (var i = random.Next(1, 4); i > 0; i--)
        {
            for (var items = random.Next(8) == 0 ? 0 : random.Next(1, 4); items > 0; items--)
            {
                text.Append(random.Next(depth < 2 ? 7 : 6) switch
                {
                    0 or 1 => '"' + string.Concat(Enumerable.Range(0, random.Next(1, 4)).Select(_ => Pick(random, ["a", "b", "0", "1", " ", "-", "\\\"", "{", "}", "\\n"]))) + '"',
                    2 => Pick(random, ["[ab]", "[a-b]", "[0-1]", "[^a]", "[^\"\\n]", "[ \\t\\n]", "[ ]", "[a-b0]", "."]),
                    3 or 4 => Pick(random, names),
                    5 => Pick(random, ["\"a\"", "[ \\n]*", "\"}\""]),
                    _ => Group(random, names, depth),
                });
                if (random.Next(3) == 0)
                {
                    text.Append(Pick(random, ["*", "+", "?", "{2}", "{0,2}", "{1,3}"]));
                }

                text.Append(' ');
            }

            if (i > 1)
            {
                text.Append("| ");
            }
        }
    }

    private static string Group(Random random, string[] names, int depth)
    {
        var group = new StringBuilder("(");
        Alternatives(group, random, names, depth + 1);
        return group.Append(')').ToString();
    }

    private static string Pick(Random random, string[] values) => values[random.Next(values.Length)];

    private static string Quote(string text) => System.Text.Json.JsonSerializer.Serialize(text);
}
