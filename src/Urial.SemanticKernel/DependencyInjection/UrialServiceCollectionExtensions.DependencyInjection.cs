using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Urial.SemanticKernel;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Urial chat client and embedding generator (a URIAL-aligned local base model) in a service collection.</summary>
/// <remarks>
/// <para>
/// Each model, keyed by its service id, gets its own named <see cref="UrialOptions"/> (name = service id), validated at host start; one
/// engine (one copy of the weights, shared by the chat client and the embedding generator of that id); and a hosted service that loads
/// the model when the host starts. The container owns the engine and disposes it when it is disposed. Several models can run side by
/// side under different ids.
/// </para>
/// <para>
/// Like <c>AddChatClient</c>, the chat-client methods return a <see cref="ChatClientBuilder"/>: the application adds its own middleware
/// there. The registered client is, from the outside in: function invocation → the application's middleware → the configured sampling
/// defaults → OpenTelemetry (source <see cref="UrialTelemetry.SourceName"/>) → logging → <see cref="UrialChatClient"/>. Function invocation,
/// OpenTelemetry and logging are chosen by <see cref="UrialOptions.Middleware"/> (all by default); function invocation is left out when the
/// application's pipeline already has a function-invoking client, so <c>UseFunctionInvocation()</c> on the builder never wraps twice.
/// </para>
/// </remarks>
public static partial class UrialServiceCollectionExtensions
{
    /// <summary>Adds an <see cref="IChatClient"/> over a local GGUF base model, configured from a configuration section.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="section">The section to bind <see cref="UrialOptions"/> from, usually <c>configuration.GetSection("Urial")</c>.</param>
    /// <returns>The builder of the client's pipeline, to add middleware to.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="section"/> is <see langword="null"/>.</exception>
    public static ChatClientBuilder AddUrialChatClient(this IServiceCollection services, IConfiguration section) =>
        AddChatClient(services, null, UrialRegistration.Bind(section));

    /// <summary>Adds an <see cref="IChatClient"/> over a local GGUF base model, configured in code.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options; <see cref="UrialOptions.ModelPath"/> is required.</param>
    /// <returns>The builder of the client's pipeline, to add middleware to.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configure"/> is <see langword="null"/>.</exception>
    public static ChatClientBuilder AddUrialChatClient(this IServiceCollection services, Action<UrialOptions> configure) =>
        AddChatClient(services, null, UrialRegistration.Configure(configure));

    /// <summary>Adds an <see cref="IChatClient"/> over a local GGUF base model with default options.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="modelPath">The path of the GGUF base model file.</param>
    /// <param name="prompt">The URIAL prompt; <see langword="null"/> uses <see cref="UrialPrompt.Default"/>.</param>
    /// <returns>The builder of the client's pipeline, to add middleware to.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="modelPath"/> is empty.</exception>
    public static ChatClientBuilder AddUrialChatClient(this IServiceCollection services, string modelPath, UrialPrompt? prompt = null) =>
        AddChatClient(services, null, UrialRegistration.ModelAt(modelPath, prompt));

    /// <summary>Adds a keyed <see cref="IChatClient"/> over a local GGUF base model, configured from a configuration section.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="serviceKey">The key of the client and its model (and the options name).</param>
    /// <param name="section">The section to bind <see cref="UrialOptions"/> from.</param>
    /// <returns>The builder of the client's pipeline, to add middleware to.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/>, <paramref name="serviceKey"/> or <paramref name="section"/> is <see langword="null"/>.</exception>
    public static ChatClientBuilder AddKeyedUrialChatClient(this IServiceCollection services, string serviceKey, IConfiguration section) =>
        AddChatClient(services, UrialRegistration.Key(serviceKey), UrialRegistration.Bind(section));

    /// <summary>Adds a keyed <see cref="IChatClient"/> over a local GGUF base model, configured in code.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="serviceKey">The key of the client and its model (and the options name).</param>
    /// <param name="configure">Sets the options; <see cref="UrialOptions.ModelPath"/> is required.</param>
    /// <returns>The builder of the client's pipeline, to add middleware to.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/>, <paramref name="serviceKey"/> or <paramref name="configure"/> is <see langword="null"/>.</exception>
    public static ChatClientBuilder AddKeyedUrialChatClient(this IServiceCollection services, string serviceKey, Action<UrialOptions> configure) =>
        AddChatClient(services, UrialRegistration.Key(serviceKey), UrialRegistration.Configure(configure));

    /// <summary>Adds a keyed <see cref="IChatClient"/> over a local GGUF base model with default options.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="serviceKey">The key of the client and its model (and the options name).</param>
    /// <param name="modelPath">The path of the GGUF base model file.</param>
    /// <param name="prompt">The URIAL prompt; <see langword="null"/> uses <see cref="UrialPrompt.Default"/>.</param>
    /// <returns>The builder of the client's pipeline, to add middleware to.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="serviceKey"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="modelPath"/> is empty.</exception>
    public static ChatClientBuilder AddKeyedUrialChatClient(this IServiceCollection services, string serviceKey, string modelPath, UrialPrompt? prompt = null) =>
        AddChatClient(services, UrialRegistration.Key(serviceKey), UrialRegistration.ModelAt(modelPath, prompt));

    private static ChatClientBuilder AddChatClient(IServiceCollection services, string? serviceId, Action<Options.OptionsBuilder<UrialOptions>> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        LocalModelRegistration.AddModel(services, serviceId, configure);
        return UrialRegistration.AddChatClient(services, serviceId, kernelFunctionInvocation: false);
    }
}
