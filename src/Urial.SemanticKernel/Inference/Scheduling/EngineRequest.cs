using System.Threading.Channels;
using LLama;
using LLama.Batched;
using LLama.Native;

namespace Urial.SemanticKernel;

/// <summary>
/// One request's state inside the engine. Everything but the output channel, the cancellation token and
/// <see cref="Abandon"/> belongs to the engine loop.
/// </summary>
/// <remarks>
/// The request keeps every token it has (prompt, then generated); <see cref="Evaluated"/> says how many of them
/// are in the KV cache. Prefill and decode are the same thing — evaluating the pending tokens — so after an
/// executor rebuild a request simply re-evaluates what it lost and continues.
/// </remarks>
internal sealed class EngineRequest
{
    private volatile bool _abandoned;

    public EngineRequest(LLamaToken[] promptTokens, int maxOutputTokens, GenerationRequest request, CancellationToken cancellationToken)
    {
        Tokens = [.. promptTokens];
        PromptTokenCount = promptTokens.Length;
        MaxOutputTokens = maxOutputTokens;
        Sampling = request.Sampling;
        Grammar = request.Grammar;
        Stops = new StopSequenceMatcher(request.StopSequences, Grammar?.Trigger);
        CancellationToken = cancellationToken;
    }

    public Channel<GenerationUpdate> Output { get; } = Channel.CreateUnbounded<GenerationUpdate>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

    public CancellationToken CancellationToken { get; }

    /// <summary>Gets when the request was submitted (a <see cref="System.Diagnostics.Stopwatch"/> timestamp).</summary>
    public long SubmittedAt { get; } = System.Diagnostics.Stopwatch.GetTimestamp();

    /// <summary>Gets or sets when the first token was sampled (a <see cref="System.Diagnostics.Stopwatch"/> timestamp), or 0.</summary>
    public long FirstTokenAt { get; set; }

    /// <summary>Gets or sets how many leading tokens are shared with the pinned prefix: the cells beyond it are this request's.</summary>
    public int RootSharedCount { get; set; }

    /// <summary>Gets a value indicating whether the caller no longer waits for this request.</summary>
    public bool IsCanceled => _abandoned || CancellationToken.IsCancellationRequested;

    public List<LLamaToken> Tokens { get; }

    public int PromptTokenCount { get; }

    public int MaxOutputTokens { get; }

    public SamplingParameters Sampling { get; }

    public StopSequenceMatcher Stops { get; }

    public GenerationGrammar? Grammar { get; }

    /// <summary>Gets or sets a value indicating whether sampling is under the grammar (stop sequences no longer apply: they could occur inside a JSON string).</summary>
    public bool Constrained { get; set; }

    /// <summary>Gets or sets where the answer's bytes stand in the UTF-8 encoding (<see cref="Utf8TokenTable"/>): between characters, or inside one split across byte tokens.</summary>
    public byte Utf8State { get; set; }

    /// <summary>Gets every character decoded from the generated tokens, and where each token's text ends: to rewind to a token boundary when the grammar's trigger appears.</summary>
    public System.Text.StringBuilder DecodedText { get; } = new();

    public List<int> TokenTextEnds { get; } = [];

    /// <summary>Gets or sets how many regenerated characters were already released before a rewind, and must not be released twice.</summary>
    public int SkipChars { get; set; }

    public int Evaluated { get; set; }

    public int CachedTokenCount { get; set; }

    public int OutputTokenCount { get; set; }

    /// <summary>Gets the KV cells this request may still claim beyond the shared prefix: admission reserves them up front.</summary>
    public int ReservedCells { get; set; }

    public Conversation? Conversation { get; set; }

    public SafeLLamaSamplerChainHandle? Sampler { get; set; }

    public StreamingTokenDecoder? Decoder { get; set; }

    public int Pending => Tokens.Count - Evaluated;

    /// <summary>Called from the caller's side when it stops reading; the loop frees the request at its next step.</summary>
    public void Abandon() => _abandoned = true;

    /// <summary>Hands the sequence over to the caller (the sequence cache); the request no longer disposes it.</summary>
    public Conversation? DetachSequence()
    {
        var sequence = Conversation;
        Conversation = null;
        return sequence;
    }

    /// <summary>Frees the native sequence and sampler; the request can be re-admitted after an executor rebuild.</summary>
    public void ReleaseNative()
    {
        Conversation?.Dispose();
        Conversation = null;
        Evaluated = 0;
    }

    public void DisposeNative()
    {
        ReleaseNative();
        Sampler?.Dispose();
        Sampler = null;
    }
}
