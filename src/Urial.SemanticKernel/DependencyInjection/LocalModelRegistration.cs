using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Urial.SemanticKernel;

/// <summary>A model registered over a local GGUF file: Core's registration (<see cref="UrialRegistration.AddModel"/>) with the in-process <see cref="UrialEngine"/> as its engine.</summary>
internal static class LocalModelRegistration
{
    /// <summary>Registers the local model of <paramref name="serviceId"/>: its options (also checked against the model file and the backend), its engine and its warm-up.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="serviceId">The key, or <see langword="null"/> for the unkeyed registration.</param>
    /// <param name="configure">Configures the model's named options.</param>
    /// <exception cref="InvalidOperationException">The id is already registered over a server.</exception>
    public static void AddModel(IServiceCollection services, string? serviceId, Action<OptionsBuilder<UrialOptions>> configure)
    {
        UrialRegistration.AddModel(services, serviceId, configure, (sp, state) => CreateEngine(sp, serviceId, state), isRemote: false);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<UrialOptions>, LocalModelOptionsValidator>());
        services.TryAddKeyedSingleton(serviceId, (_, _) => new LocalEngineReference());
    }

    /// <summary>Registers the embedding generator of <paramref name="serviceId"/> (over the same engine as its chat client) and returns the builder of its pipeline.</summary>
    public static EmbeddingGeneratorBuilder<string, Embedding<float>> AddEmbeddingGenerator(IServiceCollection services, string? serviceId)
    {
        var builder = new EmbeddingGeneratorBuilder<string, Embedding<float>>(sp => InnerEmbeddingPipeline(sp, serviceId));
        services.AddKeyedSingleton<IEmbeddingGenerator<string, Embedding<float>>>(serviceId, (sp, _) => builder.Build(sp));
        return builder;
    }

    private static UrialEngine CreateEngine(IServiceProvider services, string? serviceId, UrialServiceState state)
    {
        var engine = new UrialEngine(state.Options.ToEngineOptions(state.Prompt), services.GetService<ILoggerFactory>());
        services.GetRequiredKeyedService<LocalEngineReference>(serviceId).Engine = engine;
        return engine;
    }

    /// <summary>The generator over the model's engine, with the telemetry and logging layers chosen by <see cref="UrialOptions.Middleware"/>.</summary>
    private static IEmbeddingGenerator<string, Embedding<float>> InnerEmbeddingPipeline(IServiceProvider services, string? serviceId)
    {
        // Resolving the engine through its registration keeps the container its only owner.
        _ = services.GetRequiredKeyedService<IUrialEngine>(serviceId);
        var state = services.GetRequiredKeyedService<UrialServiceState>(serviceId);
        var engine = services.GetRequiredKeyedService<LocalEngineReference>(serviceId).Engine ?? throw new InvalidOperationException(
            $"The IUrialEngine registered for the Urial model {state.DisplayName} was replaced by one that is not the local UrialEngine; embeddings need the local engine.");

        var builder = new UrialEmbeddingGenerator(engine).AsBuilder();
        UrialDefaultMiddleware.AddTelemetryAndLogging(builder, services, state.Options.Middleware);
        return builder.Build(services);
    }

    /// <summary>The local engine the <see cref="IUrialEngine"/> registration created (the container owns it): the embedding generator needs the engine itself, not the seam.</summary>
    private sealed class LocalEngineReference
    {
        public UrialEngine? Engine { get; set; }
    }
}
