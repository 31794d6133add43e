using System.Buffers;
using System.Text;
using CsCheck;
using LLama.Native;

namespace Urial.SemanticKernel.Tests.Inference;

/// <summary>
/// <see cref="Utf8TokenTable"/> against .NET's own UTF-8 decoder (<see cref="Rune.DecodeFromUtf8"/>): after any walk
/// of allowed tokens, a token is allowed exactly when the bytes so far plus its bytes are still a prefix of well-formed UTF-8.
/// </summary>
public sealed class Utf8TokenTableTests
{
    // Bytes at every edge of Table 3-7 of the Unicode standard, plus ordinary ones.
    private static readonly byte[] Interesting =
        [0x00, 0x22, 0x41, 0x7F, 0x80, 0x84, 0x8F, 0x90, 0x9F, 0xA0, 0xAD, 0xB8, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE4, 0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF];

    [Fact]
    public void A_token_is_allowed_exactly_when_the_answer_stays_a_prefix_of_well_formed_UTF8()
    {
        var gen = Gen.Int[0, int.MaxValue];
        PropertyRun.Check(gen, Walk, cases: 2_000, seed: 20261203, describe: seed => $"random seed {seed}");
    }

    [Fact]
    public void The_overlong_sequence_llama_cpps_grammar_accepted_is_refused_after_its_first_byte()
    {
        // "中" is E4 B8 AD; F0 84 B8 AD decodes to the same code point by arithmetic but is not UTF-8.
        byte[][] pieces = [[0xF0], [0x84], [0xB8], [0xAD], [0xE4], [0x9F]];
        var table = Utf8TokenTable.FromPieces(pieces);
        var logits = new float[pieces.Length];

        var state = table.Next(Utf8TokenTable.Boundary, (LLamaToken)0);
        table.Mask(logits, state);

        Assert.Equal(float.NegativeInfinity, logits[1]); // 84 after F0
        Assert.Equal(0f, logits[5]); // 9F after F0 (the road to U+1F600)
        Assert.Equal(float.NegativeInfinity, logits[4]); // a new lead byte inside a character
    }

    [Fact]
    public void The_longest_piece_is_measured_in_bytes()
    {
        var table = Utf8TokenTable.FromPieces([[], [0x41], Encoding.UTF8.GetBytes("中文")]);

        Assert.Equal(6, table.LongestPieceBytes);
        Assert.Equal(3, table.Count);
    }

    private static void Walk(int seed)
    {
        var random = new Random(seed);
        var pieces = Enumerable.Range(0, 48)
            .Select(_ => Enumerable.Range(0, random.Next(0, 5)).Select(_ => random.Next(3) == 0 ? (byte)random.Next(256) : Interesting[random.Next(Interesting.Length)]).ToArray())
            .ToArray();
        var table = Utf8TokenTable.FromPieces(pieces);
        var answer = new List<byte>();
        var state = Utf8TokenTable.Boundary;
        for (var step = 0; step < 40; step++)
        {
            var logits = new float[pieces.Length];
            table.Mask(logits, state);
            var allowed = new List<int>();
            for (var id = 0; id < pieces.Length; id++)
            {
                var expected = IsWellFormedPrefix([.. answer, .. pieces[id]]);
                Assert.True(expected == (logits[id] == 0f), $"token {id} ({Convert.ToHexString(pieces[id])}) after {Convert.ToHexString([.. answer])}: allowed {logits[id] == 0f}, .NET says {expected}");
                if (expected)
                {
                    allowed.Add(id);
                }
            }

            if (allowed.Count == 0)
            {
                return;
            }

            var chosen = allowed[random.Next(allowed.Count)];
            answer.AddRange(pieces[chosen]);
            state = table.Next(state, (LLamaToken)chosen);
        }
    }

    /// <summary>Whether <paramref name="bytes"/> decode without an error, a last incomplete character allowed.</summary>
    private static bool IsWellFormedPrefix(byte[] bytes)
    {
        ReadOnlySpan<byte> rest = bytes;
        while (!rest.IsEmpty)
        {
            var status = Rune.DecodeFromUtf8(rest, out _, out var consumed);
            if (status == OperationStatus.NeedMoreData)
            {
                return true; // a valid start of a character that the next bytes may finish
            }

            if (status != OperationStatus.Done)
            {
                return false;
            }

            rest = rest[consumed..];
        }

        return true;
    }
}
