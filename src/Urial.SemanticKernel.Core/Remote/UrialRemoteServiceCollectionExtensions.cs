using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Urial.SemanticKernel;

namespace Microsoft.SemanticKernel;

/// <summary>Registers the Urial connector over serving engines as a Semantic Kernel chat-completion and text-generation service.</summary>
/// <remarks>
/// Adds the remote model and the <see cref="Microsoft.Extensions.AI.IChatClient"/> the remote <c>AddUrialChatClient</c> adds (keyed by the
/// same service id), with Semantic Kernel's function invocation, plus the Semantic Kernel services over that client.
/// <see cref="UrialOptions.Middleware"/> chooses the default middleware.
/// </remarks>
public static class UrialRemoteServiceCollectionExtensions
{
    /// <summary>Adds the Urial chat-completion service over one server (or a gateway) that serves a base model.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="endpoint">The server's base address, e.g. <c>http://vllm:8000/v1</c>.</param>
    /// <param name="modelId">The model name to send and report, or <see langword="null"/> for the server's.</param>
    /// <param name="apiKey">The API key sent as a bearer token (never logged), or <see langword="null"/>.</param>
    /// <param name="prompt">The URIAL prompt; <see langword="null"/> uses <see cref="UrialPrompt.Default"/>.</param>
    /// <param name="serviceId">The key of the registrations, or <see langword="null"/> for unkeyed ones.</param>
    /// <returns>The same service collection.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="endpoint"/> is <see langword="null"/>.</exception>
    public static IServiceCollection AddUrialChatCompletion(this IServiceCollection services, Uri endpoint, string? modelId = null, string? apiKey = null, UrialPrompt? prompt = null, string? serviceId = null)
    {
        UrialRemoteRegistration.AddModel(services, serviceId, UrialRemoteRegistration.WithPrompt(prompt), UrialRemoteRegistration.Server(endpoint, modelId, apiKey));
        return UrialKernelRegistration.AddChatCompletionServices(services, serviceId);
    }

    /// <summary>Adds the Urial chat-completion service over serving engines configured from a section such as <c>Urial</c> (servers in its <c>Remote</c> subsection).</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="section">The section, usually <c>configuration.GetSection("Urial")</c>.</param>
    /// <param name="serviceId">The key of the registrations (and the options name), or <see langword="null"/> for unkeyed ones.</param>
    /// <returns>The same service collection.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="section"/> is <see langword="null"/>.</exception>
    public static IServiceCollection AddUrialRemoteChatCompletion(this IServiceCollection services, IConfiguration section, string? serviceId = null)
    {
        UrialRemoteRegistration.AddModel(services, serviceId, UrialRegistration.Bind(section), UrialRemoteRegistration.BindServers(section));
        return UrialKernelRegistration.AddChatCompletionServices(services, serviceId);
    }
}
