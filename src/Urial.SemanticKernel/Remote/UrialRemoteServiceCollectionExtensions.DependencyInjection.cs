using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Urial.SemanticKernel;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Urial chat client over serving engines (llama-server, vLLM, OpenAI-compatible completions) in a service collection.</summary>
/// <remarks>
/// Everything but the engine is the same as for a local model (<c>AddUrialChatClient(modelPath)</c>): the URIAL prompt and
/// options, the pipeline, warm-up and health check. The engine's HTTP client is a named client of the application's
/// <see cref="IHttpClientFactory"/> (<c>Urial.Remote</c>, or <c>Urial.Remote.{serviceId}</c>) with a standard resilience handler.
/// </remarks>
public static class UrialRemoteServiceCollectionExtensions
{
    /// <summary>Adds an <see cref="IChatClient"/> over one server (or a gateway) that serves a base model.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="endpoint">The server's base address, e.g. <c>http://vllm:8000/v1</c> or <c>http://localhost:8080</c>.</param>
    /// <param name="modelId">The model name to send and report, or <see langword="null"/> for the server's.</param>
    /// <param name="apiKey">The API key sent as a bearer token (never logged), or <see langword="null"/>.</param>
    /// <param name="prompt">The URIAL prompt; <see langword="null"/> uses <see cref="UrialPrompt.Default"/>.</param>
    /// <param name="serviceId">The key of the registrations, or <see langword="null"/> for unkeyed ones.</param>
    /// <returns>The same service collection.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="endpoint"/> is <see langword="null"/>.</exception>
    public static IServiceCollection AddUrialChatClient(this IServiceCollection services, Uri endpoint, string? modelId = null, string? apiKey = null, UrialPrompt? prompt = null, string? serviceId = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(endpoint);
        return UrialRemoteRegistration.Add(
            services,
            serviceId,
            options => options.Configure(o => o.PromptInstance = prompt),
            remote => remote.Configure(o =>
            {
                o.Endpoints.Add(endpoint);
                o.Model = modelId;
                o.ApiKey = apiKey;
            }));
    }

    /// <summary>Adds an <see cref="IChatClient"/> over serving engines configured from a section such as <c>Urial</c>: the URIAL options from it, the servers from its <c>Remote</c> subsection.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="section">The section, usually <c>configuration.GetSection("Urial")</c>; <c>Remote:Endpoints</c>, <c>Remote:Model</c> and <c>Remote:ApiKey</c> configure the engine.</param>
    /// <param name="serviceId">The key of the registrations (and the options name), or <see langword="null"/> for unkeyed ones.</param>
    /// <returns>The same service collection.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="section"/> is <see langword="null"/>.</exception>
    public static IServiceCollection AddUrialRemoteChatClient(this IServiceCollection services, IConfiguration section, string? serviceId = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(section);
        return UrialRemoteRegistration.Add(services, serviceId, options => options.Bind(section), remote => remote.Bind(section.GetSection(UrialRemoteEngineOptions.SectionName)));
    }

    /// <summary>Adds an <see cref="IChatClient"/> over serving engines configured in code.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the engine options; at least one endpoint is required.</param>
    /// <param name="prompt">The URIAL prompt; <see langword="null"/> uses <see cref="UrialPrompt.Default"/>.</param>
    /// <param name="serviceId">The key of the registrations, or <see langword="null"/> for unkeyed ones.</param>
    /// <returns>The same service collection.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configure"/> is <see langword="null"/>.</exception>
    public static IServiceCollection AddUrialRemoteChatClient(this IServiceCollection services, Action<UrialRemoteEngineOptions> configure, UrialPrompt? prompt = null, string? serviceId = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        return UrialRemoteRegistration.Add(services, serviceId, options => options.Configure(o => o.PromptInstance = prompt), remote => remote.Configure(configure));
    }
}
