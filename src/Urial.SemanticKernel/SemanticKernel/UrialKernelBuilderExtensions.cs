using Urial.SemanticKernel;

namespace Microsoft.SemanticKernel;

/// <summary>Adds the Urial connector to a kernel builder.</summary>
public static class UrialKernelBuilderExtensions
{
    /// <summary>Adds the Urial chat-completion service over a local GGUF base model.</summary>
    /// <param name="builder">The kernel builder.</param>
    /// <param name="modelPath">The path of the GGUF base model file.</param>
    /// <param name="prompt">The URIAL prompt; <see langword="null"/> uses <see cref="UrialPrompt.Default"/>.</param>
    /// <param name="serviceId">The key of the registrations, or <see langword="null"/> for unkeyed ones.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static IKernelBuilder AddUrialChatCompletion(this IKernelBuilder builder, string modelPath, UrialPrompt? prompt = null, string? serviceId = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddUrialChatCompletion(modelPath, prompt, serviceId);
        return builder;
    }

    /// <summary>Adds the Urial chat-completion service over a local GGUF base model.</summary>
    /// <param name="builder">The kernel builder.</param>
    /// <param name="configure">Sets the engine options; <see cref="UrialEngineOptions.ModelPath"/> is required.</param>
    /// <param name="prompt">The URIAL prompt; <see langword="null"/> uses <see cref="UrialPrompt.Default"/>.</param>
    /// <param name="serviceId">The key of the registrations, or <see langword="null"/> for unkeyed ones.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static IKernelBuilder AddUrialChatCompletion(this IKernelBuilder builder, Action<UrialEngineOptions> configure, UrialPrompt? prompt = null, string? serviceId = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddUrialChatCompletion(configure, prompt, serviceId);
        return builder;
    }

    /// <summary>Adds the Urial <see cref="Microsoft.Extensions.AI.IChatClient"/> over a local GGUF base model.</summary>
    /// <param name="builder">The kernel builder.</param>
    /// <param name="modelPath">The path of the GGUF base model file.</param>
    /// <param name="prompt">The URIAL prompt; <see langword="null"/> uses <see cref="UrialPrompt.Default"/>.</param>
    /// <param name="serviceId">The key of the registrations, or <see langword="null"/> for unkeyed ones.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static IKernelBuilder AddUrialChatClient(this IKernelBuilder builder, string modelPath, UrialPrompt? prompt = null, string? serviceId = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        Microsoft.Extensions.DependencyInjection.UrialServiceCollectionExtensions.AddUrialChatClient(builder.Services, modelPath, prompt, serviceId);
        return builder;
    }
}
