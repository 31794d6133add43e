using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Urial.SemanticKernel;

/// <summary>
/// An <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> over the same local model as the chat client: the engine's loaded
/// weights, no second copy. Vectors are pooled per llama.cpp's pooling type (mean for base models, which declare none) and
/// L2-normalised, so a dot product is their cosine similarity.
/// </summary>
/// <remarks>
/// Embeddings from an untuned base model are a convenience for small retrieval tasks next to the chat model, not a replacement for
/// a trained embedding model (docs/embeddings.md). Texts are evaluated between the engine's generation steps, so running chats keep
/// streaming. This type is thread-safe.
/// </remarks>
public sealed class UrialEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private UrialEngine? _ownedEngine;

    /// <summary>Initializes a new instance of the <see cref="UrialEmbeddingGenerator"/> class over an engine its caller owns.</summary>
    /// <param name="engine">The local engine, usually the one a <see cref="UrialChatClient"/> uses; disposing this generator does not dispose it.</param>
    /// <exception cref="ArgumentNullException"><paramref name="engine"/> is <see langword="null"/>.</exception>
    public UrialEmbeddingGenerator(UrialEngine engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
        Engine = engine;
    }

    /// <summary>Gets the engine whose model embeds the texts.</summary>
    public UrialEngine Engine { get; }

    /// <summary>Creates a generator that runs a local GGUF model in-process.</summary>
    /// <param name="modelPath">The path of the GGUF model file.</param>
    /// <param name="configure">Changes the engine options (threads, <see cref="UrialEngineOptions.MaxEmbeddingTokens"/>…), or <see langword="null"/>.</param>
    /// <param name="loggerFactory">The logger factory, or <see langword="null"/>.</param>
    /// <returns>A generator that owns its engine: dispose it to free the model. To share the model with a chat client, create one <see cref="UrialEngine"/> and pass it to both.</returns>
    /// <exception cref="ArgumentException"><paramref name="modelPath"/> is empty, or an option is invalid.</exception>
    public static UrialEmbeddingGenerator FromModel(string modelPath, Action<UrialEngineOptions>? configure = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelPath);
        var options = new UrialEngineOptions { ModelPath = modelPath };
        configure?.Invoke(options);
        var engine = new UrialEngine(options, loggerFactory);
        return new UrialEmbeddingGenerator(engine) { _ownedEngine = engine };
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">More than 4096 values, or a value longer than <see cref="UrialEngineOptions.MaxEmbeddingTokens"/> tokens.</exception>
    /// <exception cref="NotSupportedException"><see cref="EmbeddingGenerationOptions.Dimensions"/> asks for another length than the model's.</exception>
    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var texts = values as IReadOnlyList<string> ?? [.. values.Take(UrialEngine.MaxEmbeddingInputs + 1)];
        var (vectors, tokens) = await Engine.EmbedAsync(texts, cancellationToken).ConfigureAwait(false);
        if (options?.Dimensions is { } dimensions && vectors.Length > 0 && dimensions != vectors[0].Length)
        {
            throw new NotSupportedException($"EmbeddingGenerationOptions.Dimensions is {dimensions}, but this model's vectors have {vectors[0].Length} dimensions and cannot be shortened. Leave Dimensions unset.");
        }

        var createdAt = DateTimeOffset.UtcNow;
        return new GeneratedEmbeddings<Embedding<float>>(vectors.Select(vector => new Embedding<float>(vector) { ModelId = Engine.ModelId, CreatedAt = createdAt }))
        {
            Usage = new UsageDetails { InputTokenCount = tokens, TotalTokenCount = tokens },
        };
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(EmbeddingGeneratorMetadata))
        {
            // The width is known once the model is loaded.
            return new EmbeddingGeneratorMetadata(UrialChatClient.ProviderName, providerUri: null, Engine.ModelId, Engine.EmbeddingDimensions);
        }

        return serviceType.IsInstanceOfType(this) ? this : serviceType.IsInstanceOfType(Engine) ? Engine : null;
    }

    /// <summary>Disposes the engine if this generator created it (<see cref="FromModel"/>); an engine passed to the constructor stays its owner's.</summary>
    public void Dispose() => Interlocked.Exchange(ref _ownedEngine, null)?.Dispose();
}
