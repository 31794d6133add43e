using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel.ChatCompletion;
using Microsoft.SemanticKernel.TextGeneration;
using Urial.SemanticKernel;
using ChatClientRegistrations = Microsoft.Extensions.DependencyInjection.UrialServiceCollectionExtensions;

namespace Microsoft.SemanticKernel;

/// <summary>Registers the Urial connector as a Semantic Kernel chat-completion and text-generation service.</summary>
/// <remarks>Adds everything <c>AddUrialChatClient</c> adds (keyed by the same service id), plus the Semantic Kernel services over that client.</remarks>
public static class UrialServiceCollectionExtensions
{
    /// <summary>Adds the Urial chat-completion service over a local GGUF base model, configured from a configuration section.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="section">The section to bind <see cref="UrialOptions"/> from, usually <c>configuration.GetSection("Urial")</c>.</param>
    /// <param name="serviceId">The key of the registrations (and the options name), or <see langword="null"/> for unkeyed ones.</param>
    /// <returns>The same service collection.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="section"/> is <see langword="null"/>.</exception>
    public static IServiceCollection AddUrialChatCompletion(this IServiceCollection services, IConfiguration section, string? serviceId = null)
    {
        ChatClientRegistrations.AddUrialChatClient(services, section, serviceId);
        return AddChatCompletionServices(services, serviceId);
    }

    /// <summary>Adds the Urial chat-completion service over a local GGUF base model, configured in code.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options; <see cref="UrialOptions.ModelPath"/> is required.</param>
    /// <param name="serviceId">The key of the registrations (and the options name), or <see langword="null"/> for unkeyed ones.</param>
    /// <returns>The same service collection.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configure"/> is <see langword="null"/>.</exception>
    public static IServiceCollection AddUrialChatCompletion(this IServiceCollection services, Action<UrialOptions> configure, string? serviceId = null)
    {
        ChatClientRegistrations.AddUrialChatClient(services, configure, serviceId);
        return AddChatCompletionServices(services, serviceId);
    }

    /// <summary>Adds the Urial chat-completion service over a local GGUF base model with default options.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="modelPath">The path of the GGUF base model file.</param>
    /// <param name="prompt">The URIAL prompt; <see langword="null"/> uses <see cref="UrialPrompt.Default"/>.</param>
    /// <param name="serviceId">The key of the registrations, or <see langword="null"/> for unkeyed ones.</param>
    /// <returns>The same service collection.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="modelPath"/> is empty.</exception>
    public static IServiceCollection AddUrialChatCompletion(this IServiceCollection services, string modelPath, UrialPrompt? prompt = null, string? serviceId = null)
    {
        ChatClientRegistrations.AddUrialChatClient(services, modelPath, prompt, serviceId);
        return AddChatCompletionServices(services, serviceId);
    }

    /// <summary>Adds the Semantic Kernel services over the <see cref="IChatClient"/> registered under <paramref name="serviceId"/>.</summary>
    internal static IServiceCollection AddChatCompletionServices(IServiceCollection services, string? serviceId)
    {
        services.AddKeyedSingleton(serviceId, (sp, _) => new UrialChatCompletionService(sp.GetRequiredKeyedService<IChatClient>(serviceId), sp));
        services.AddKeyedSingleton<IChatCompletionService>(serviceId, (sp, _) => sp.GetRequiredKeyedService<UrialChatCompletionService>(serviceId));
        services.AddKeyedSingleton<ITextGenerationService>(serviceId, (sp, _) => sp.GetRequiredKeyedService<UrialChatCompletionService>(serviceId));
        return services;
    }
}
