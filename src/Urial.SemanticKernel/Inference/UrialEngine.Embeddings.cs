using System.Threading.Channels;
using LLama.Native;

namespace Urial.SemanticKernel;

/// <content>
/// Embeddings over the loaded weights: jobs wait in their own queue, and the loop evaluates one pack of texts between two
/// generation steps, so running streams keep flowing. The embedding context is made on first use and freed with the weights.
/// </content>
public sealed partial class UrialEngine
{
    /// <summary>The most texts one call may embed.</summary>
    internal const int MaxEmbeddingInputs = 4096;

    /// <summary>Text far longer than this many characters per allowed token cannot fit, and is refused before it is tokenized.</summary>
    private const int MaxCharactersPerToken = 64;

    private readonly Channel<EmbeddingJob> _embeddingIntake = Channel.CreateUnbounded<EmbeddingJob>(new UnboundedChannelOptions { SingleReader = true });
    private EmbeddingJob? _embeddingJob;
    private EmbeddingContext? _embeddingContext;

    /// <summary>Gets the length of the vectors <see cref="EmbedAsync"/> returns (the model's embedding width), once the model is loaded; otherwise <see langword="null"/>.</summary>
    internal int? EmbeddingDimensions => _weights?.EmbeddingSize;

    /// <summary>Embeds <paramref name="texts"/> with the loaded model: pooled per llama.cpp's pooling type, L2-normalised.</summary>
    /// <param name="texts">The texts; each is tokenized as plain text (control-token text stays text).</param>
    /// <param name="cancellationToken">The token to cancel the call; texts already evaluated are dropped.</param>
    /// <returns>One unit-length vector per text, in order, and the number of tokens evaluated.</returns>
    /// <exception cref="ArgumentException">Too many texts, or a text longer than <see cref="UrialEngineOptions.MaxEmbeddingTokens"/> tokens.</exception>
    /// <exception cref="ObjectDisposedException">The engine was disposed.</exception>
    internal async Task<(float[][] Vectors, int Tokens)> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (texts.Count > MaxEmbeddingInputs)
        {
            throw new ArgumentException($"{texts.Count} texts were given to embed in one call; the most is {MaxEmbeddingInputs}. Split them into several calls.", nameof(texts));
        }

        cancellationToken.ThrowIfCancellationRequested();
        await WarmUpAsync(cancellationToken).ConfigureAwait(false);
        var tokens = new LLamaToken[texts.Count][];
        for (var i = 0; i < texts.Count; i++)
        {
            tokens[i] = TokenizeForEmbedding(texts, i);
        }

        if (tokens.Length == 0)
        {
            return ([], 0);
        }

        var job = new EmbeddingJob(tokens, cancellationToken);
        if (!_embeddingIntake.Writer.TryWrite(job))
        {
            throw new ObjectDisposedException(nameof(UrialEngine), "The Urial engine was disposed.");
        }

        await job.Completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        return (job.Vectors, tokens.Sum(t => t.Length));
    }

    /// <summary>Gets a value indicating whether an embedding job is waiting or under way (loop only).</summary>
    private bool HasEmbeddingWork => _embeddingJob is not null || _embeddingIntake.Reader.TryPeek(out _);

    /// <summary>Waits until a generation request or an embedding job arrives.</summary>
    /// <returns><see langword="false"/> when an intake was completed (the engine is shutting down).</returns>
    private async ValueTask<bool> WaitForIntakeAsync(CancellationToken shutdown)
    {
        // The wait that loses is withdrawn, so idle waits leave no waiter behind in the other channel.
        using var either = CancellationTokenSource.CreateLinkedTokenSource(shutdown);
        var requests = _intake.Reader.WaitToReadAsync(either.Token).AsTask();
        var embeddings = _embeddingIntake.Reader.WaitToReadAsync(either.Token).AsTask();
        var first = await Task.WhenAny(requests, embeddings).ConfigureAwait(false);
        await either.CancelAsync().ConfigureAwait(false);
        return await first.ConfigureAwait(false);
    }

    /// <summary>Evaluates the next pack of texts of the current embedding job, if there is one; never throws into the loop.</summary>
    private void EmbedNext(NativeState native)
    {
        if (_embeddingJob is null && !_embeddingIntake.Reader.TryRead(out _embeddingJob))
        {
            return;
        }

        var job = _embeddingJob;
        try
        {
            job.CancellationToken.ThrowIfCancellationRequested();

            _embeddingContext ??= EmbeddingContext.Create(native.Weights, _settings, native.Offload, _logger);
            var pack = NextPack(job, _embeddingContext.MaxTokens);
            var vectors = _embeddingContext.Embed(pack);
            vectors.CopyTo(job.Vectors, job.Done);
            job.Done += vectors.Length;
            if (job.Done == job.Texts.Length)
            {
                _embeddingJob = null;
                job.Completion.TrySetResult();
            }
        }
        catch (Exception ex)
        {
            _embeddingJob = null;
            job.Completion.TrySetException(ex is OperationCanceledException ? ex : new InvalidOperationException("The Urial engine failed to embed these texts; see the inner exception.", ex));
        }
    }

    /// <summary>Completes the embedding intake, fails what waits with <paramref name="error"/> and frees the embedding context (before the weights).</summary>
    private void StopEmbeddings(Exception error)
    {
        _embeddingIntake.Writer.TryComplete();
        _embeddingJob?.Completion.TrySetException(error);
        _embeddingJob = null;
        while (_embeddingIntake.Reader.TryRead(out var job))
        {
            job.Completion.TrySetException(error);
        }

        Interlocked.Exchange(ref _embeddingContext, null)?.Dispose();
    }

    /// <summary>Takes the job's next texts that fit one decode together.</summary>
    private static List<LLamaToken[]> NextPack(EmbeddingJob job, int maxTokens)
    {
        var pack = new List<LLamaToken[]>();
        var tokens = 0;
        for (var i = job.Done; i < job.Texts.Length && pack.Count < EmbeddingContext.MaxSequences && tokens + job.Texts[i].Length <= maxTokens; i++)
        {
            pack.Add(job.Texts[i]);
            tokens += job.Texts[i].Length;
        }

        return pack;
    }

    private LLamaToken[] TokenizeForEmbedding(IReadOnlyList<string> texts, int index)
    {
        var text = texts[index] ?? throw new ArgumentException($"Text {index} to embed is null.", nameof(texts));
        var limit = _settings.MaxEmbeddingTokens;
        if (text.Length > limit * MaxCharactersPerToken)
        {
            throw new ArgumentException($"Text {index} to embed has {text.Length} characters, far more than the {limit} tokens one embedding may take. Split it, or raise MaxEmbeddingTokens.", nameof(texts));
        }

        var tokens = Tokenize(text);
        if (tokens.Length > limit)
        {
            throw new ArgumentException($"Text {index} to embed has {tokens.Length} tokens; one embedding takes at most {limit}. Split it, or raise MaxEmbeddingTokens.", nameof(texts));
        }

        return tokens;
    }
}
