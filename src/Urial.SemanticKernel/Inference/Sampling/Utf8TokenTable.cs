using LLama.Native;

namespace Urial.SemanticKernel;

/// <summary>
/// Which tokens keep a constrained answer well-formed UTF-8, for every point inside a character: a constrained answer
/// masks the others before llama.cpp's grammar sees the logits.
/// </summary>
/// <remarks>
/// llama.cpp's grammar follows a character split across byte tokens by the code points it could still complete to,
/// not by the bytes it has seen, so it accepts overlong and mixed sequences: after <c>F0</c> (allowed by a 4-byte
/// character elsewhere in the grammar) it takes <c>84 B8 AD</c> as "中" (U+4E2D), which no UTF-8 decoder does — the
/// answer's text gets replacement characters and fails its schema. This table is the well-formed UTF-8 automaton of
/// Unicode's Table 3-7 run over every token's bytes once, at load.
/// </remarks>
internal sealed class Utf8TokenTable
{
    /// <summary>Between characters.</summary>
    public const byte Boundary = 0;

    private const byte Invalid = 0xFF;
    private const int States = 8;

    // Per token and start state: the state after the token's bytes, or Invalid.
    private readonly byte[] _next;
    private readonly int[] _invalidFromBoundary;

    private Utf8TokenTable(byte[] next, int[] invalidFromBoundary, int longestPieceBytes)
    {
        _next = next;
        _invalidFromBoundary = invalidFromBoundary;
        LongestPieceBytes = longestPieceBytes;
    }

    /// <summary>Gets the longest text, in UTF-8 bytes, that any token stands for (at least 1).</summary>
    public int LongestPieceBytes { get; }

    /// <summary>Gets the number of tokens in the table.</summary>
    public int Count => _next.Length / States;

    /// <summary>Builds the table from the byte pieces of every token of <paramref name="model"/> (special tokens as text are empty: they never split a character).</summary>
    public static Utf8TokenTable Create(SafeLlamaModelHandle model)
    {
        var count = model.Vocab.Count;
        Span<byte> piece = stackalloc byte[512];
        var pieces = new byte[count][];
        for (var id = 0; id < count; id++)
        {
            var length = (int)model.TokenToSpan((LLamaToken)id, piece, 0, false);
            pieces[id] = piece[..Math.Min(length, piece.Length)].ToArray();
        }

        return FromPieces(pieces);
    }

    /// <summary>Builds the table from the byte pieces of the tokens, by id.</summary>
    public static Utf8TokenTable FromPieces(IReadOnlyList<byte[]> pieces)
    {
        var next = new byte[pieces.Count * States];
        var invalid = new List<int>();
        var longest = 1;
        for (var id = 0; id < pieces.Count; id++)
        {
            longest = Math.Max(longest, pieces[id].Length);
            for (var state = 0; state < States; state++)
            {
                next[(id * States) + state] = Run((byte)state, pieces[id]);
            }

            if (next[id * States] == Invalid)
            {
                invalid.Add(id);
            }
        }

        return new Utf8TokenTable(next, [.. invalid], longest);
    }

    /// <summary>Gets the state after <paramref name="token"/> from <paramref name="state"/>, or <see cref="Boundary"/> when the token breaks the encoding (a free answer may: its decoder writes a replacement character and starts afresh).</summary>
    public byte Next(byte state, LLamaToken token)
    {
        var id = (int)token;
        if ((uint)id >= (uint)Count)
        {
            return Boundary;
        }

        var after = _next[(id * States) + state];
        return after == Invalid ? Boundary : after;
    }

    /// <summary>Sets the logit of every token that cannot follow <paramref name="state"/> in well-formed UTF-8 to negative infinity.</summary>
    public void Mask(Span<float> logits, byte state)
    {
        if (state == Boundary)
        {
            // Between characters almost every token is fine: only stray bytes are masked.
            foreach (var id in _invalidFromBoundary)
            {
                if (id < logits.Length)
                {
                    logits[id] = float.NegativeInfinity;
                }
            }

            return;
        }

        // Inside a character (rare: only byte-fallback tokens split one) only its continuation bytes may follow.
        var count = Math.Min(Count, logits.Length);
        for (var id = 0; id < count; id++)
        {
            if (_next[(id * States) + state] == Invalid)
            {
                logits[id] = float.NegativeInfinity;
            }
        }
    }

    /// <summary>Runs the automaton over <paramref name="bytes"/> from <paramref name="state"/>.</summary>
    private static byte Run(byte state, byte[] bytes)
    {
        foreach (var b in bytes)
        {
            state = Step(state, b);
            if (state == Invalid)
            {
                return Invalid;
            }
        }

        return state;
    }

    /// <summary>
    /// One byte of well-formed UTF-8 (Unicode Table 3-7). States: 0 between characters; 1 one continuation byte left;
    /// 2 two left; 3 two left, the next in A0–BF (after E0); 4 two left, the next in 80–9F (after ED: no surrogates);
    /// 5 three left; 6 three left, the next in 90–BF (after F0); 7 three left, the next in 80–8F (after F4: ≤ U+10FFFF).
    /// </summary>
    private static byte Step(byte state, byte b) => state switch
    {
        0 => b switch
        {
            < 0x80 => 0,
            >= 0xC2 and <= 0xDF => 1,
            0xE0 => 3,
            0xED => 4,
            >= 0xE1 and <= 0xEF => 2,
            0xF0 => 6,
            >= 0xF1 and <= 0xF3 => 5,
            0xF4 => 7,
            _ => Invalid,
        },
        1 => b is >= 0x80 and <= 0xBF ? (byte)0 : Invalid,
        2 => b is >= 0x80 and <= 0xBF ? (byte)1 : Invalid,
        3 => b is >= 0xA0 and <= 0xBF ? (byte)1 : Invalid,
        4 => b is >= 0x80 and <= 0x9F ? (byte)1 : Invalid,
        5 => b is >= 0x80 and <= 0xBF ? (byte)2 : Invalid,
        6 => b is >= 0x90 and <= 0xBF ? (byte)2 : Invalid,
        7 => b is >= 0x80 and <= 0x8F ? (byte)2 : Invalid,
        _ => Invalid,
    };
}
