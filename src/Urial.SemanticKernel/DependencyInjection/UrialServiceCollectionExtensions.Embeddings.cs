using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Urial.SemanticKernel;

namespace Microsoft.Extensions.DependencyInjection;

/// <content>The embedding generator: registered under the same service id as a chat client, it shares that model's engine and weights.</content>
public static partial class UrialServiceCollectionExtensions
{
    /// <summary>Adds an <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> over a local GGUF model, configured from a configuration section.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="section">The section to bind <see cref="UrialOptions"/> from, usually the chat client's.</param>
    /// <returns>The builder of the generator's pipeline, to add middleware to (OpenTelemetry and logging are innermost, per <see cref="UrialOptions.Middleware"/>).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="section"/> is <see langword="null"/>.</exception>
    /// <remarks>With <c>AddUrialChatClient</c> under the same (here: no) key, both use one engine: the options are the same named options, bound or set by either call.</remarks>
    public static EmbeddingGeneratorBuilder<string, Embedding<float>> AddUrialEmbeddingGenerator(this IServiceCollection services, IConfiguration section) =>
        AddEmbeddingGenerator(services, null, UrialRegistration.Bind(section));

    /// <summary>Adds an <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> over a local GGUF model, configured in code.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options; <see cref="UrialOptions.ModelPath"/> is required.</param>
    /// <returns>The builder of the generator's pipeline, to add middleware to.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configure"/> is <see langword="null"/>.</exception>
    public static EmbeddingGeneratorBuilder<string, Embedding<float>> AddUrialEmbeddingGenerator(this IServiceCollection services, Action<UrialOptions> configure) =>
        AddEmbeddingGenerator(services, null, UrialRegistration.Configure(configure));

    /// <summary>Adds an <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> over a local GGUF model with default options.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="modelPath">The path of the GGUF model file.</param>
    /// <returns>The builder of the generator's pipeline, to add middleware to.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="modelPath"/> is empty.</exception>
    public static EmbeddingGeneratorBuilder<string, Embedding<float>> AddUrialEmbeddingGenerator(this IServiceCollection services, string modelPath) =>
        AddEmbeddingGenerator(services, null, UrialRegistration.ModelAt(modelPath, prompt: null));

    /// <summary>Adds a keyed <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> over a local GGUF model, configured from a configuration section.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="serviceKey">The key of the generator and its model (and the options name); a chat client under the same key shares the model.</param>
    /// <param name="section">The section to bind <see cref="UrialOptions"/> from.</param>
    /// <returns>The builder of the generator's pipeline, to add middleware to.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/>, <paramref name="serviceKey"/> or <paramref name="section"/> is <see langword="null"/>.</exception>
    public static EmbeddingGeneratorBuilder<string, Embedding<float>> AddKeyedUrialEmbeddingGenerator(this IServiceCollection services, string serviceKey, IConfiguration section) =>
        AddEmbeddingGenerator(services, UrialRegistration.Key(serviceKey), UrialRegistration.Bind(section));

    /// <summary>Adds a keyed <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> over a local GGUF model, configured in code.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="serviceKey">The key of the generator and its model (and the options name); a chat client under the same key shares the model.</param>
    /// <param name="configure">Sets the options; <see cref="UrialOptions.ModelPath"/> is required.</param>
    /// <returns>The builder of the generator's pipeline, to add middleware to.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/>, <paramref name="serviceKey"/> or <paramref name="configure"/> is <see langword="null"/>.</exception>
    public static EmbeddingGeneratorBuilder<string, Embedding<float>> AddKeyedUrialEmbeddingGenerator(this IServiceCollection services, string serviceKey, Action<UrialOptions> configure) =>
        AddEmbeddingGenerator(services, UrialRegistration.Key(serviceKey), UrialRegistration.Configure(configure));

    /// <summary>Adds a keyed <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> over a local GGUF model with default options.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="serviceKey">The key of the generator and its model (and the options name); a chat client under the same key shares the model.</param>
    /// <param name="modelPath">The path of the GGUF model file.</param>
    /// <returns>The builder of the generator's pipeline, to add middleware to.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="serviceKey"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="modelPath"/> is empty.</exception>
    public static EmbeddingGeneratorBuilder<string, Embedding<float>> AddKeyedUrialEmbeddingGenerator(this IServiceCollection services, string serviceKey, string modelPath) =>
        AddEmbeddingGenerator(services, UrialRegistration.Key(serviceKey), UrialRegistration.ModelAt(modelPath, prompt: null));

    private static EmbeddingGeneratorBuilder<string, Embedding<float>> AddEmbeddingGenerator(IServiceCollection services, string? serviceId, Action<Options.OptionsBuilder<UrialOptions>> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        LocalModelRegistration.AddModel(services, serviceId, configure);
        return LocalModelRegistration.AddEmbeddingGenerator(services, serviceId);
    }
}
