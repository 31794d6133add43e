using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Urial.SemanticKernel;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Urial chat client (a URIAL-aligned local base model) in a service collection.</summary>
/// <remarks>
/// Each registration, keyed by its service id, gets its own named <see cref="UrialOptions"/> (name = service id), validated
/// at host start; an engine; the pipeline Semantic Kernel function invocation → default options → OpenTelemetry (source
/// <see cref="UrialTelemetry.SourceName"/>) → logging → <see cref="UrialChatClient"/>; and a hosted service that loads the
/// model when the host starts and disposes it when the host stops. Several models can run side by side under different ids.
/// </remarks>
public static class UrialServiceCollectionExtensions
{
    /// <summary>Adds an <see cref="IChatClient"/> over a local GGUF base model, configured from a configuration section.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="section">The section to bind <see cref="UrialOptions"/> from, usually <c>configuration.GetSection("Urial")</c>.</param>
    /// <param name="serviceId">The key of the registrations (and the options name), or <see langword="null"/> for unkeyed ones.</param>
    /// <returns>The same service collection.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="section"/> is <see langword="null"/>.</exception>
    public static IServiceCollection AddUrialChatClient(this IServiceCollection services, IConfiguration section, string? serviceId = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(section);
        return UrialRegistration.AddUrialChatClientCore(services, serviceId, options => options.Bind(section));
    }

    /// <summary>Adds an <see cref="IChatClient"/> over a local GGUF base model, configured in code.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options; <see cref="UrialOptions.ModelPath"/> is required.</param>
    /// <param name="serviceId">The key of the registrations (and the options name), or <see langword="null"/> for unkeyed ones.</param>
    /// <returns>The same service collection.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configure"/> is <see langword="null"/>.</exception>
    public static IServiceCollection AddUrialChatClient(this IServiceCollection services, Action<UrialOptions> configure, string? serviceId = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        return UrialRegistration.AddUrialChatClientCore(services, serviceId, options => options.Configure(configure));
    }

    /// <summary>Adds an <see cref="IChatClient"/> over a local GGUF base model with default options.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="modelPath">The path of the GGUF base model file.</param>
    /// <param name="prompt">The URIAL prompt; <see langword="null"/> uses <see cref="UrialPrompt.Default"/>.</param>
    /// <param name="serviceId">The key of the registrations, or <see langword="null"/> for unkeyed ones.</param>
    /// <returns>The same service collection.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="modelPath"/> is empty.</exception>
    public static IServiceCollection AddUrialChatClient(this IServiceCollection services, string modelPath, UrialPrompt? prompt = null, string? serviceId = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelPath);
        return services.AddUrialChatClient(
            options =>
            {
                options.ModelPath = modelPath;
                options.PromptInstance = prompt;
            },
            serviceId);
    }
}
