using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Urial.SemanticKernel;

namespace Microsoft.SemanticKernel;

/// <summary>Registers the Urial connector as a Semantic Kernel chat-completion and text-generation service.</summary>
/// <remarks>
/// Adds the model and the <see cref="IChatClient"/> that <c>AddUrialChatClient</c> adds (keyed by the same service id), with Semantic
/// Kernel's function invocation (<c>UseKernelFunctionInvocation</c>: <c>FunctionChoiceBehavior</c> and kernel filters apply), plus the
/// Semantic Kernel services over that client. <see cref="UrialOptions.Middleware"/> chooses the default middleware.
/// </remarks>
public static class UrialServiceCollectionExtensions
{
    /// <summary>Adds the Urial chat-completion service over a local GGUF base model, configured from a configuration section.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="section">The section to bind <see cref="UrialOptions"/> from, usually <c>configuration.GetSection("Urial")</c>.</param>
    /// <param name="serviceId">The key of the registrations (and the options name), or <see langword="null"/> for unkeyed ones.</param>
    /// <returns>The same service collection.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="section"/> is <see langword="null"/>.</exception>
    public static IServiceCollection AddUrialChatCompletion(this IServiceCollection services, IConfiguration section, string? serviceId = null) =>
        AddChatCompletion(services, serviceId, UrialRegistration.Bind(section));

    /// <summary>Adds the Urial chat-completion service over a local GGUF base model, configured in code.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options; <see cref="UrialOptions.ModelPath"/> is required.</param>
    /// <param name="serviceId">The key of the registrations (and the options name), or <see langword="null"/> for unkeyed ones.</param>
    /// <returns>The same service collection.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configure"/> is <see langword="null"/>.</exception>
    public static IServiceCollection AddUrialChatCompletion(this IServiceCollection services, Action<UrialOptions> configure, string? serviceId = null) =>
        AddChatCompletion(services, serviceId, UrialRegistration.Configure(configure));

    /// <summary>Adds the Urial chat-completion service over a local GGUF base model with default options.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="modelPath">The path of the GGUF base model file.</param>
    /// <param name="prompt">The URIAL prompt; <see langword="null"/> uses <see cref="UrialPrompt.Default"/>.</param>
    /// <param name="serviceId">The key of the registrations, or <see langword="null"/> for unkeyed ones.</param>
    /// <returns>The same service collection.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="modelPath"/> is empty.</exception>
    public static IServiceCollection AddUrialChatCompletion(this IServiceCollection services, string modelPath, UrialPrompt? prompt = null, string? serviceId = null) =>
        AddChatCompletion(services, serviceId, UrialRegistration.ModelAt(modelPath, prompt));

    /// <summary>Adds the model and its chat client with Semantic Kernel's function invocation, without the chat-completion services.</summary>
    internal static ChatClientBuilder AddKernelChatClient(IServiceCollection services, string? serviceId, Action<OptionsBuilder<UrialOptions>> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        LocalModelRegistration.AddModel(services, serviceId, configure);
        return UrialRegistration.AddChatClient(services, serviceId, kernelFunctionInvocation: true);
    }

    private static IServiceCollection AddChatCompletion(IServiceCollection services, string? serviceId, Action<OptionsBuilder<UrialOptions>> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        LocalModelRegistration.AddModel(services, serviceId, configure);
        return UrialKernelRegistration.AddChatCompletionServices(services, serviceId);
    }
}
