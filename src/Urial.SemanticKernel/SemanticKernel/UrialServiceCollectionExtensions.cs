using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel.ChatCompletion;
using Microsoft.SemanticKernel.TextGeneration;
using Urial.SemanticKernel;

namespace Microsoft.SemanticKernel;

/// <summary>Registers the Urial connector as a Semantic Kernel chat-completion and text-generation service.</summary>
public static class UrialServiceCollectionExtensions
{
    /// <summary>Adds the Urial chat-completion service over a local GGUF base model.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="modelPath">The path of the GGUF base model file.</param>
    /// <param name="prompt">The URIAL prompt; <see langword="null"/> uses <see cref="UrialPrompt.Default"/>.</param>
    /// <param name="serviceId">The key of the registrations, or <see langword="null"/> for unkeyed ones.</param>
    /// <returns>The same service collection.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="modelPath"/> is empty.</exception>
    public static IServiceCollection AddUrialChatCompletion(this IServiceCollection services, string modelPath, UrialPrompt? prompt = null, string? serviceId = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelPath);
        return services.AddUrialChatCompletion(options => options.ModelPath = modelPath, prompt, serviceId);
    }

    /// <summary>Adds the Urial chat-completion service over a local GGUF base model.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the engine options; <see cref="UrialEngineOptions.ModelPath"/> is required.</param>
    /// <param name="prompt">The URIAL prompt; <see langword="null"/> uses <see cref="UrialPrompt.Default"/>.</param>
    /// <param name="serviceId">The key of the registrations, or <see langword="null"/> for unkeyed ones.</param>
    /// <returns>The same service collection.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configure"/> is <see langword="null"/>.</exception>
    public static IServiceCollection AddUrialChatCompletion(this IServiceCollection services, Action<UrialEngineOptions> configure, UrialPrompt? prompt = null, string? serviceId = null)
    {
        services.AddUrialChatClient(configure, prompt, serviceId);
        services.AddKeyedSingleton(serviceId, (sp, _) => new UrialChatCompletionService(sp.GetRequiredKeyedService<IChatClient>(serviceId), sp));
        services.AddKeyedSingleton<IChatCompletionService>(serviceId, (sp, _) => sp.GetRequiredKeyedService<UrialChatCompletionService>(serviceId));
        services.AddKeyedSingleton<ITextGenerationService>(serviceId, (sp, _) => sp.GetRequiredKeyedService<UrialChatCompletionService>(serviceId));
        return services;
    }
}
