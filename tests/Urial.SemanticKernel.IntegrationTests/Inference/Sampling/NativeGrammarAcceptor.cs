using System.Text;
using LLama;
using LLama.Native;

namespace Urial.SemanticKernel;

/// <summary>
/// Asks llama.cpp's own grammar sampler whether a text is in a grammar's language: the text is tokenized with the
/// model's tokenizer, and before each token is accepted the grammar is applied to a candidate array of the whole
/// vocabulary to check that the token is not masked (accepting a masked token aborts the process natively). At the
/// end the end-of-generation token must be allowed. This is the independent oracle for "the grammar accepts x".
/// </summary>
internal sealed class NativeGrammarAcceptor
{
    private readonly LLamaWeights _weights;
    private readonly int _vocabulary;
    private readonly Dictionary<byte, LLamaToken> _byteTokens = [];

    public NativeGrammarAcceptor(LLamaWeights weights)
    {
        _weights = weights;
        _vocabulary = weights.Vocab.Count;
        Span<byte> piece = stackalloc byte[64];
        for (var id = 0; id < _vocabulary; id++)
        {
            // A token whose piece is exactly one byte spells that byte (the SentencePiece byte-fallback tokens cover all 256).
            var length = weights.NativeHandle.TokenToSpan(id, piece);
            if (length == 1 && !_byteTokens.ContainsKey(piece[0]))
            {
                _byteTokens[piece[0]] = id;
            }
        }
    }

    /// <summary>Whether llama.cpp's grammar sampler accepts <paramref name="text"/> under <paramref name="gbnf"/> (root rule <c>root</c>).</summary>
    /// <param name="failure">Where it stopped: the text accepted so far and the refused token, or the grammar's parse error.</param>
    public bool Accepts(string gbnf, string text, out string? failure)
    {
        if (!GrammarValidator.TryValidate(_weights.NativeHandle, gbnf, "root", out var error))
        {
            failure = "grammar rejected: " + error;
            return false;
        }

        using var chain = SafeLLamaSamplerChainHandle.Create(LLamaSamplerChainParams.Default());
        chain.AddGrammar(_weights.Vocab, gbnf, "root");
        var accepted = new StringBuilder();
        foreach (var (token, piece) in Tokens(text))
        {
            if (!IsAllowed(chain, token))
            {
                failure = $"token '{piece}' refused after '{accepted}'";
                return false;
            }

            chain.Accept(token);
            accepted.Append(piece);
        }

        if (!IsAllowed(chain, _weights.Vocab.EOS!.Value))
        {
            failure = $"the grammar does not allow the text to end after '{accepted}'";
            return false;
        }

        failure = null;
        return true;
    }

    private bool IsAllowed(SafeLLamaSamplerChainHandle chain, LLamaToken token)
    {
        var logits = new float[_vocabulary];
        var candidates = LLamaTokenDataArray.Create(logits);
        using (LLamaTokenDataArrayNative.Create(candidates, out var native))
        {
            chain.Apply(ref native);
        }

        foreach (var candidate in candidates.Data.Span)
        {
            if (candidate.ID == token)
            {
                return !float.IsNegativeInfinity(candidate.Logit);
            }
        }

        return false;
    }

    /// <summary>
    /// The model's own tokenization of the text (multi-byte pieces included). SentencePiece adds a dummy space before
    /// the first piece: that piece is then spelled in byte tokens without it. Any other mismatch spells the whole text in bytes.
    /// </summary>
    private List<(LLamaToken Token, string Piece)> Tokens(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var pieces = new List<(LLamaToken Token, byte[] Bytes)>();
        var buffer = new byte[256];
        foreach (var token in _weights.Tokenize(text, false, false, Encoding.UTF8))
        {
            var length = (int)_weights.NativeHandle.TokenToSpan(token, buffer);
            pieces.Add((token, buffer[..length]));
        }

        var spelled = pieces.SelectMany(p => p.Bytes).ToArray();
        var result = new List<(LLamaToken, string)>();
        if (spelled.AsSpan().SequenceEqual(bytes))
        {
            result.AddRange(pieces.Select(p => (p.Token, Encoding.UTF8.GetString(p.Bytes))));
        }
        else if (pieces.Count > 0 && spelled.Length == bytes.Length + 1 && spelled[0] == (byte)' ' && spelled.AsSpan(1).SequenceEqual(bytes))
        {
            result.AddRange(pieces[0].Bytes.Skip(1).Select(b => (_byteTokens[b], ((char)b).ToString())));
            result.AddRange(pieces.Skip(1).Select(p => (p.Token, Encoding.UTF8.GetString(p.Bytes))));
        }
        else
        {
            result.AddRange(bytes.Select(b => (_byteTokens[b], ((char)b).ToString())));
        }

        return result;
    }
}
