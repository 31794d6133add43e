using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Urial.SemanticKernel;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Urial chat client over serving engines (llama-server, vLLM, OpenAI-compatible completions) in a service collection.</summary>
/// <remarks>
/// <para>
/// Everything but the engine is the same as for a local model (<c>AddUrialChatClient(modelPath)</c>): the URIAL prompt and
/// options, warm-up and health check, and a returned <see cref="ChatClientBuilder"/> whose pipeline is function invocation →
/// the application's middleware → the configured sampling defaults → OpenTelemetry → logging → <see cref="UrialChatClient"/>,
/// with the defaults chosen by <see cref="UrialOptions.Middleware"/>.
/// </para>
/// <para>
/// The engine's HTTP client is a named client of the application's <see cref="IHttpClientFactory"/> (<c>Urial.Remote</c>, or
/// <c>Urial.Remote.{serviceKey}</c>) with a standard resilience handler.
/// </para>
/// </remarks>
public static class UrialRemoteServiceCollectionExtensions
{
    /// <summary>Adds an <see cref="IChatClient"/> over one server (or a gateway) that serves a base model.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="endpoint">The server's base address, e.g. <c>http://vllm:8000/v1</c> or <c>http://localhost:8080</c>.</param>
    /// <param name="modelId">The model name to send and report, or <see langword="null"/> for the server's.</param>
    /// <param name="apiKey">The API key sent as a bearer token (never logged), or <see langword="null"/>.</param>
    /// <param name="prompt">The URIAL prompt; <see langword="null"/> uses <see cref="UrialPrompt.Default"/>.</param>
    /// <returns>The builder of the client's pipeline, to add middleware to.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="endpoint"/> is <see langword="null"/>.</exception>
    public static ChatClientBuilder AddUrialChatClient(this IServiceCollection services, Uri endpoint, string? modelId = null, string? apiKey = null, UrialPrompt? prompt = null) =>
        AddChatClient(services, null, UrialRemoteRegistration.WithPrompt(prompt), UrialRemoteRegistration.Server(endpoint, modelId, apiKey));

    /// <summary>Adds a keyed <see cref="IChatClient"/> over one server (or a gateway) that serves a base model.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="serviceKey">The key of the client and its engine (and the options name).</param>
    /// <param name="endpoint">The server's base address, e.g. <c>http://vllm:8000/v1</c> or <c>http://localhost:8080</c>.</param>
    /// <param name="modelId">The model name to send and report, or <see langword="null"/> for the server's.</param>
    /// <param name="apiKey">The API key sent as a bearer token (never logged), or <see langword="null"/>.</param>
    /// <param name="prompt">The URIAL prompt; <see langword="null"/> uses <see cref="UrialPrompt.Default"/>.</param>
    /// <returns>The builder of the client's pipeline, to add middleware to.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/>, <paramref name="serviceKey"/> or <paramref name="endpoint"/> is <see langword="null"/>.</exception>
    public static ChatClientBuilder AddKeyedUrialChatClient(this IServiceCollection services, string serviceKey, Uri endpoint, string? modelId = null, string? apiKey = null, UrialPrompt? prompt = null) =>
        AddChatClient(services, UrialRegistration.Key(serviceKey), UrialRemoteRegistration.WithPrompt(prompt), UrialRemoteRegistration.Server(endpoint, modelId, apiKey));

    /// <summary>Adds an <see cref="IChatClient"/> over serving engines configured from a section such as <c>Urial</c>: the URIAL options from it, the servers from its <c>Remote</c> subsection.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="section">The section, usually <c>configuration.GetSection("Urial")</c>; <c>Remote:Endpoints</c>, <c>Remote:Model</c> and <c>Remote:ApiKey</c> configure the engine.</param>
    /// <returns>The builder of the client's pipeline, to add middleware to.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="section"/> is <see langword="null"/>.</exception>
    public static ChatClientBuilder AddUrialRemoteChatClient(this IServiceCollection services, IConfiguration section) =>
        AddChatClient(services, null, UrialRegistration.Bind(section), UrialRemoteRegistration.BindServers(section));

    /// <summary>Adds a keyed <see cref="IChatClient"/> over serving engines configured from a section such as <c>Urial</c>: the URIAL options from it, the servers from its <c>Remote</c> subsection.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="serviceKey">The key of the client and its engine (and the options name).</param>
    /// <param name="section">The section; <c>Remote:Endpoints</c>, <c>Remote:Model</c> and <c>Remote:ApiKey</c> configure the engine.</param>
    /// <returns>The builder of the client's pipeline, to add middleware to.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/>, <paramref name="serviceKey"/> or <paramref name="section"/> is <see langword="null"/>.</exception>
    public static ChatClientBuilder AddKeyedUrialRemoteChatClient(this IServiceCollection services, string serviceKey, IConfiguration section) =>
        AddChatClient(services, UrialRegistration.Key(serviceKey), UrialRegistration.Bind(section), UrialRemoteRegistration.BindServers(section));

    /// <summary>Adds an <see cref="IChatClient"/> over serving engines configured in code.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the engine options; at least one endpoint is required.</param>
    /// <param name="prompt">The URIAL prompt; <see langword="null"/> uses <see cref="UrialPrompt.Default"/>.</param>
    /// <returns>The builder of the client's pipeline, to add middleware to.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configure"/> is <see langword="null"/>.</exception>
    public static ChatClientBuilder AddUrialRemoteChatClient(this IServiceCollection services, Action<UrialRemoteEngineOptions> configure, UrialPrompt? prompt = null) =>
        AddChatClient(services, null, UrialRemoteRegistration.WithPrompt(prompt), UrialRemoteRegistration.ConfigureServers(configure));

    /// <summary>Adds a keyed <see cref="IChatClient"/> over serving engines configured in code.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="serviceKey">The key of the client and its engine (and the options name).</param>
    /// <param name="configure">Sets the engine options; at least one endpoint is required.</param>
    /// <param name="prompt">The URIAL prompt; <see langword="null"/> uses <see cref="UrialPrompt.Default"/>.</param>
    /// <returns>The builder of the client's pipeline, to add middleware to.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/>, <paramref name="serviceKey"/> or <paramref name="configure"/> is <see langword="null"/>.</exception>
    public static ChatClientBuilder AddKeyedUrialRemoteChatClient(this IServiceCollection services, string serviceKey, Action<UrialRemoteEngineOptions> configure, UrialPrompt? prompt = null) =>
        AddChatClient(services, UrialRegistration.Key(serviceKey), UrialRemoteRegistration.WithPrompt(prompt), UrialRemoteRegistration.ConfigureServers(configure));

    private static ChatClientBuilder AddChatClient(
        IServiceCollection services, string? serviceId, Action<OptionsBuilder<UrialOptions>> configureChat, Action<OptionsBuilder<UrialRemoteEngineOptions>> configureRemote)
    {
        UrialRemoteRegistration.AddModel(services, serviceId, configureChat, configureRemote);
        return UrialRegistration.AddChatClient(services, serviceId, kernelFunctionInvocation: false);
    }
}
