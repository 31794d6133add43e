using System.Diagnostics;
using System.Text;
using LLama;
using LLama.Batched;
using LLama.Common;
using LLama.Native;

namespace Urial.Cli;

/// <summary>
/// One GGUF model with one <see cref="BatchedExecutor"/>: scores a text's tokens against the model's distribution and
/// generates greedily. Not thread-safe: every native call of the instance is made by its one caller, one at a time.
/// </summary>
/// <remarks>
/// A constant prefix (the URIAL text) is evaluated once into a root sequence; every scored text that starts with it is
/// a fork of that root (<c>llama_memory_seq_cp</c>, no copy) rewound to the longest common token prefix, so only the
/// instruction and the answer are evaluated per item.
/// </remarks>
internal sealed class ScoringModel : IDisposable
{
    private readonly LLamaWeights _weights;
    private readonly BatchedExecutor _executor;
    private readonly int _batchSize;
    private readonly int _contextSize;
    private Conversation? _root;
    private LLamaToken[] _prefixTokens = [];
    private string? _vocabularyFingerprint;

    private ScoringModel(LLamaWeights weights, BatchedExecutor executor, int batchSize, int contextSize, string path)
    {
        _weights = weights;
        _executor = executor;
        _batchSize = batchSize;
        _contextSize = contextSize;
        Path = path;
    }

    public string Path { get; }

    public int ContextSize => _contextSize;

    public int PrefixTokenCount => _prefixTokens.Length;

    public static ScoringModel Load(string path, ModelSettings settings)
    {
        var (contextSize, batchSize) = (settings.ContextSize, settings.BatchSize);
        ModelFiles.Validate(path);
        NativeLog.Silence();
        var parameters = new ModelParams(path)
        {
            ContextSize = (uint)contextSize,
            BatchSize = (uint)batchSize,
            UBatchSize = (uint)batchSize,
            SeqMax = 2, // the root holding the prefix + the one sequence being scored
            KVUnified = true, // Fork() aborts the process without a unified KV cache
            GpuLayerCount = settings.GpuLayers,
            Threads = settings.Threads,
            BatchThreads = settings.Threads,
            FlashAttention = false,
        };
        var weights = LLamaWeights.LoadFromFile(parameters);
        try
        {
            var executor = new BatchedExecutor(weights, parameters);
            if (executor.Context.NativeHandle.IsInvalid)
            {
                executor.Dispose();
                throw new CliException($"llama.cpp could not create a context of {contextSize} tokens for '{path}'; lower --context or --batch.");
            }

            return new ScoringModel(weights, executor, batchSize, contextSize, path);
        }
        catch
        {
            weights.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Gets a hash of the vocabulary (every token's text, in id order): two models with the same fingerprint mean the
    /// same text by every token id, so one model's token ids can be ranked by the other without re-tokenizing.
    /// </summary>
    public string VocabularyFingerprint => _vocabularyFingerprint ??= ComputeVocabularyFingerprint();

    /// <summary>Gets the model's chat template (<c>tokenizer.chat_template</c>), or <see langword="null"/>.</summary>
    public string? ChatTemplate => _weights.Metadata.TryGetValue("tokenizer.chat_template", out var template) && template.Length > 0 ? template : null;

    /// <summary>Tokenizes user text: a BOS first, <c>&lt;s&gt;</c> in the text stays text.</summary>
    public LLamaToken[] Tokenize(string text) => _weights.Tokenize(text, add_bos: true, special: false, Encoding.UTF8);

    /// <summary>Tokenizes a rendered chat template, whose special tokens are real; adds BOS only when the template did not write it.</summary>
    public LLamaToken[] TokenizeTemplated(string text)
    {
        var tokens = _weights.Tokenize(text, add_bos: false, special: true, Encoding.UTF8);
        var vocab = _weights.Vocab;
        if (vocab.ShouldAddBOS && vocab.BOS is { } bos && (tokens.Length == 0 || tokens[0] != bos))
        {
            return [bos, .. tokens];
        }

        return tokens;
    }

    /// <summary>Renders one user turn with the model's own chat template, ending with the opened assistant turn.</summary>
    public string ApplyChatTemplate(string instruction)
    {
        var template = new LLamaTemplate(_weights, strict: true) { AddAssistant = true };
        template.Add("user", instruction);
        return Encoding.UTF8.GetString(template.Apply());
    }

    public string Detokenize(ReadOnlySpan<LLamaToken> tokens)
    {
        var decoder = new StreamingTokenDecoder(Encoding.UTF8, _weights);
        decoder.AddRange(tokens);
        return decoder.Read();
    }

    /// <summary>Gets the text of one token as the tokenizer stores it (SentencePiece's ▁ shown as a space).</summary>
    public string TokenText(int token) => _weights.Vocab.LLamaTokenToString(token, isSpecialToken: true) ?? string.Empty;

    /// <summary>Evaluates <paramref name="prefixText"/> once; later texts that start with its tokens reuse it.</summary>
    public async Task SetPrefixAsync(string prefixText, CancellationToken cancellationToken)
    {
        _root?.Dispose();
        _root = null;
        _prefixTokens = Tokenize(prefixText);
        if (_prefixTokens.Length + 64 > _contextSize)
        {
            throw new CliException($"--context {_contextSize} cannot hold the URIAL prefix ({_prefixTokens.Length} tokens with this tokenizer) and an item; raise --context.");
        }

        _root = _executor.Create();
        for (var start = 0; start < _prefixTokens.Length; start += _batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            _root.Prompt(_prefixTokens.AsSpan(start, Math.Min(_batchSize, _prefixTokens.Length - start)));
            await InferAsync(cancellationToken);
        }
    }

    /// <summary>Drops the evaluated prefix: later texts are evaluated from their first token.</summary>
    public void ClearPrefix()
    {
        _root?.Dispose();
        _root = null;
        _prefixTokens = [];
    }

    /// <summary>Gets the most answer tokens that fit beside a prompt of <paramref name="promptTokens"/> tokens.</summary>
    public int AnswerBudget(int promptTokens) => _contextSize - _prefixTokens.Length - promptTokens - 1;

    /// <summary>
    /// Ranks every token of <paramref name="tokens"/> from <paramref name="answerStart"/> on in the model's next-token
    /// distribution given all the tokens before it: rank 1 = the model's greedy choice.
    /// </summary>
    /// <returns>For each scored token: its rank and the model's top token at that position.</returns>
    public async Task<(int[] Ranks, int[] TopTokens)> RankAsync(LLamaToken[] tokens, int answerStart, CancellationToken cancellationToken)
    {
        if (answerStart < 1 || answerStart >= tokens.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(answerStart), $"The answer must start after the first token and hold at least one token ({answerStart} of {tokens.Length}).");
        }

        // The logits at position p predict token p + 1: evaluate through the second-to-last token, with logits from answerStart - 1.
        var firstLogit = answerStart - 1;
        var end = tokens.Length - 1;
        using var sequence = StartSequence(tokens, maxReuse: firstLogit, out var reused);
        if (_prefixTokens.Length + (end - reused) > _contextSize)
        {
            throw new CliException($"An item of {tokens.Length} tokens does not fit in --context {_contextSize}; lower --max-answer-tokens or raise --context.");
        }

        var ranks = new int[tokens.Length - answerStart];
        var tops = new int[ranks.Length];
        for (var start = reused; start < end; start += _batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var stop = Math.Min(end, start + _batchSize);
            var allLogits = stop - 1 >= firstLogit;
            sequence.Prompt(tokens.AsSpan(start, stop - start), allLogits);
            await InferAsync(cancellationToken);
            if (!allLogits)
            {
                continue;
            }

            for (var position = Math.Max(start, firstLogit); position < stop; position++)
            {
                var offset = stop - 1 - position;
                Debug.Assert(offset >= 0 && offset < stop - start, "every position of this chunk has logits");
                var logits = sequence.Sample(offset);
                var index = position - firstLogit;
                (ranks[index], tops[index]) = Rank(logits, (int)tokens[position + 1]);
            }
        }

        return (ranks, tops);
    }

    /// <summary>
    /// Generates greedily after <paramref name="prompt"/> until an end-of-generation token or <paramref name="maxTokens"/>:
    /// each token is the argmax of the raw logits (no penalty, temperature, grammar or stop sequence).
    /// </summary>
    public async Task<LLamaToken[]> GenerateGreedyAsync(LLamaToken[] prompt, int maxTokens, CancellationToken cancellationToken)
    {
        var budget = Math.Min(maxTokens, _contextSize - _prefixTokens.Length - prompt.Length - 1);
        if (budget < 1)
        {
            throw new CliException($"A prompt of {prompt.Length} tokens leaves no room to generate in --context {_contextSize}.");
        }

        using var sequence = await PrefillAsync(prompt, cancellationToken);
        var output = new List<LLamaToken>();
        while (output.Count < budget)
        {
            var (_, top) = Rank(sequence.Sample(), 0);
            LLamaToken next = top;
            if (next.IsEndOfGeneration(_weights.Vocab))
            {
                break;
            }

            output.Add(next);
            await DecodeOneAsync(sequence, next, cancellationToken);
        }

        return [.. output];
    }

    /// <summary>
    /// Ranks <paramref name="answer"/> after <paramref name="prompt"/> by replaying exactly the computation of
    /// <see cref="GenerateGreedyAsync"/>: the same prompt chunks, then one answer token per decode, each ranked in the
    /// logits that preceded it. A model's own greedy answer therefore ranks 1 at every position, bit for bit.
    /// </summary>
    /// <returns>For each answer token: its rank and the model's top token at that position.</returns>
    public async Task<(int[] Ranks, int[] TopTokens)> RankAsGeneratedAsync(LLamaToken[] prompt, LLamaToken[] answer, CancellationToken cancellationToken)
    {
        if (_prefixTokens.Length + prompt.Length + answer.Length + 1 > _contextSize)
        {
            throw new CliException($"An item of {prompt.Length + answer.Length} tokens does not fit in --context {_contextSize}; lower --max-answer-tokens or raise --context.");
        }

        using var sequence = await PrefillAsync(prompt, cancellationToken);
        var ranks = new int[answer.Length];
        var tops = new int[answer.Length];
        for (var i = 0; i < answer.Length; i++)
        {
            (ranks[i], tops[i]) = Rank(sequence.Sample(), (int)answer[i]);

            // Decoded like a generated token, the last one too: the cache then holds exactly what generation left.
            await DecodeOneAsync(sequence, answer[i], cancellationToken);
        }

        return (ranks, tops);
    }

    public void Dispose()
    {
        _root?.Dispose();
        _executor.Dispose();
        _weights.Dispose();
    }

    private static (int Rank, int Top) Rank(Span<float> logits, int target)
    {
        var value = logits[target];
        var higher = 0;
        var top = 0;
        for (var i = 0; i < logits.Length; i++)
        {
            if (logits[i] > value)
            {
                higher++;
            }

            if (logits[i] > logits[top])
            {
                top = i;
            }
        }

        return (higher + 1, top);
    }

    private string ComputeVocabularyFingerprint()
    {
        var pieces = new StringBuilder();
        var count = _weights.Vocab.Count;
        for (var token = 0; token < count; token++)
        {
            pieces.Append(TokenText(token)).Append('\0');
        }

        return Fingerprint.Text($"{count}\0{pieces}");
    }

    private Conversation StartSequence(LLamaToken[] tokens, int maxReuse, out int reused)
    {
        reused = 0;
        var limit = Math.Min(Math.Min(_prefixTokens.Length, maxReuse), tokens.Length);
        while (reused < limit && _prefixTokens[reused] == tokens[reused])
        {
            reused++;
        }

        if (_root is null || reused == 0)
        {
            reused = 0;
            return _executor.Create();
        }

        var sequence = _root.Fork();
        if (reused < _prefixTokens.Length)
        {
            sequence.Rewind(_prefixTokens.Length - reused);
        }

        return sequence;
    }

    /// <summary>Starts a sequence for <paramref name="prompt"/> and evaluates it in chunks of the batch size, keeping the logits of its last token.</summary>
    private async Task<Conversation> PrefillAsync(LLamaToken[] prompt, CancellationToken cancellationToken)
    {
        var sequence = StartSequence(prompt, maxReuse: prompt.Length - 1, out var reused);
        try
        {
            for (var start = reused; start < prompt.Length; start += _batchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                sequence.Prompt(prompt.AsSpan(start, Math.Min(_batchSize, prompt.Length - start)));
                await InferAsync(cancellationToken);
            }

            return sequence;
        }
        catch
        {
            sequence.Dispose();
            throw;
        }
    }

    private async Task DecodeOneAsync(Conversation sequence, LLamaToken token, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        sequence.Prompt(token);
        await InferAsync(cancellationToken);
    }

    private async Task InferAsync(CancellationToken cancellationToken)
    {
        var result = await _executor.Infer(cancellationToken);
        if (result != DecodeResult.Ok)
        {
            // A failed batch stays queued and poisons the executor: this model instance is done.
            throw new InvalidOperationException($"llama_decode failed ({result}) for '{Path}'; raise --context or lower --batch.");
        }
    }
}
