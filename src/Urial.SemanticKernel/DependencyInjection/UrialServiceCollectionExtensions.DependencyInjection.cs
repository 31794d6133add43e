using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel;
using Urial.SemanticKernel;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Urial chat client (a URIAL-aligned local base model) in a service collection.</summary>
public static class UrialServiceCollectionExtensions
{
    /// <summary>Adds an <see cref="IChatClient"/> over a local GGUF base model, aligned by the URIAL prompt.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="modelPath">The path of the GGUF base model file.</param>
    /// <param name="prompt">The URIAL prompt; <see langword="null"/> uses <see cref="UrialPrompt.Default"/>.</param>
    /// <param name="serviceId">The key of the registrations, or <see langword="null"/> for unkeyed ones.</param>
    /// <returns>The same service collection.</returns>
    /// <remarks>The pipeline is Semantic Kernel function invocation → OpenTelemetry (source <see cref="UrialTelemetry.SourceName"/>) → logging → <see cref="UrialChatClient"/>.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="modelPath"/> is empty.</exception>
    public static IServiceCollection AddUrialChatClient(this IServiceCollection services, string modelPath, UrialPrompt? prompt = null, string? serviceId = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelPath);
        return services.AddUrialChatClient(options => options.ModelPath = modelPath, prompt, serviceId);
    }

    /// <summary>Adds an <see cref="IChatClient"/> over a local GGUF base model, aligned by the URIAL prompt.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the engine options; <see cref="UrialEngineOptions.ModelPath"/> is required.</param>
    /// <param name="prompt">The URIAL prompt; <see langword="null"/> uses <see cref="UrialPrompt.Default"/>.</param>
    /// <param name="serviceId">The key of the registrations, or <see langword="null"/> for unkeyed ones.</param>
    /// <returns>The same service collection.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configure"/> is <see langword="null"/>.</exception>
    public static IServiceCollection AddUrialChatClient(this IServiceCollection services, Action<UrialEngineOptions> configure, UrialPrompt? prompt = null, string? serviceId = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        var resolvedPrompt = prompt ?? UrialPrompt.Default;

        services.AddKeyedSingleton<IUrialEngine>(serviceId, (sp, _) =>
        {
            var options = new UrialEngineOptions { CachedPrefix = resolvedPrompt.Text };
            configure(options);
            return new UrialEngine(options, sp.GetService<ILoggerFactory>());
        });

        services.AddKeyedSingleton<IChatClient>(serviceId, (sp, _) =>
        {
            var loggerFactory = sp.GetService<ILoggerFactory>();
            var leaf = new UrialChatClient(sp.GetRequiredKeyedService<IUrialEngine>(serviceId), resolvedPrompt);
            var builder = leaf.AsBuilder()
                .UseKernelFunctionInvocation(loggerFactory)
                .UseOpenTelemetry(loggerFactory, UrialTelemetry.SourceName);
            if (loggerFactory is not null)
            {
                // UseLogging resolves a required ILoggerFactory when given none: a kernel without logging has none.
                builder.UseLogging(loggerFactory);
            }

            return builder.Build(sp);
        });

        return services;
    }
}
