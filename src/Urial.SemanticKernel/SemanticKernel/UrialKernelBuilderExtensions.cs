using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Urial.SemanticKernel;

namespace Microsoft.SemanticKernel;

/// <summary>Adds the Urial connector to a kernel builder: one-line forwarders to the service-collection extensions.</summary>
/// <remarks>The chat clients registered here use Semantic Kernel's function invocation; <see cref="UrialOptions.Middleware"/> chooses the default middleware.</remarks>
public static class UrialKernelBuilderExtensions
{
    /// <summary>Adds the Urial chat-completion service, configured from a configuration section.</summary>
    /// <param name="builder">The kernel builder.</param>
    /// <param name="section">The section to bind <see cref="UrialOptions"/> from, usually <c>configuration.GetSection("Urial")</c>.</param>
    /// <param name="serviceId">The key of the registrations (and the options name), or <see langword="null"/> for unkeyed ones.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="section"/> is <see langword="null"/>.</exception>
    public static IKernelBuilder AddUrialChatCompletion(this IKernelBuilder builder, IConfiguration section, string? serviceId = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddUrialChatCompletion(section, serviceId);
        return builder;
    }

    /// <summary>Adds the Urial chat-completion service, configured in code.</summary>
    /// <param name="builder">The kernel builder.</param>
    /// <param name="configure">Sets the options; <see cref="UrialOptions.ModelPath"/> is required.</param>
    /// <param name="serviceId">The key of the registrations (and the options name), or <see langword="null"/> for unkeyed ones.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="configure"/> is <see langword="null"/>.</exception>
    public static IKernelBuilder AddUrialChatCompletion(this IKernelBuilder builder, Action<UrialOptions> configure, string? serviceId = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddUrialChatCompletion(configure, serviceId);
        return builder;
    }

    /// <summary>Adds the Urial chat-completion service over a local GGUF base model with default options.</summary>
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

    /// <summary>Adds the Urial <see cref="Microsoft.Extensions.AI.IChatClient"/> with Semantic Kernel's function invocation, configured from a configuration section.</summary>
    /// <param name="builder">The kernel builder.</param>
    /// <param name="section">The section to bind <see cref="UrialOptions"/> from.</param>
    /// <param name="serviceId">The key of the registrations (and the options name), or <see langword="null"/> for unkeyed ones.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="section"/> is <see langword="null"/>.</exception>
    public static IKernelBuilder AddUrialChatClient(this IKernelBuilder builder, IConfiguration section, string? serviceId = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        UrialServiceCollectionExtensions.AddKernelChatClient(builder.Services, serviceId, UrialRegistration.Bind(section));
        return builder;
    }

    /// <summary>Adds the Urial <see cref="Microsoft.Extensions.AI.IChatClient"/> with Semantic Kernel's function invocation, over a local GGUF base model with default options.</summary>
    /// <param name="builder">The kernel builder.</param>
    /// <param name="modelPath">The path of the GGUF base model file.</param>
    /// <param name="prompt">The URIAL prompt; <see langword="null"/> uses <see cref="UrialPrompt.Default"/>.</param>
    /// <param name="serviceId">The key of the registrations, or <see langword="null"/> for unkeyed ones.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static IKernelBuilder AddUrialChatClient(this IKernelBuilder builder, string modelPath, UrialPrompt? prompt = null, string? serviceId = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        UrialServiceCollectionExtensions.AddKernelChatClient(builder.Services, serviceId, UrialRegistration.ModelAt(modelPath, prompt));
        return builder;
    }

    /// <summary>Adds the Urial embedding generator (over the same model as the chat service registered under <paramref name="serviceId"/>), configured from a configuration section.</summary>
    /// <param name="builder">The kernel builder.</param>
    /// <param name="section">The section to bind <see cref="UrialOptions"/> from.</param>
    /// <param name="serviceId">The key of the registrations (and the options name), or <see langword="null"/> for unkeyed ones.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="section"/> is <see langword="null"/>.</exception>
    public static IKernelBuilder AddUrialEmbeddingGenerator(this IKernelBuilder builder, IConfiguration section, string? serviceId = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        _ = serviceId is null ? builder.Services.AddUrialEmbeddingGenerator(section) : builder.Services.AddKeyedUrialEmbeddingGenerator(serviceId, section);
        return builder;
    }

    /// <summary>Adds the Urial embedding generator over a local GGUF model with default options (the chat service's model when <paramref name="serviceId"/> is the same).</summary>
    /// <param name="builder">The kernel builder.</param>
    /// <param name="modelPath">The path of the GGUF model file.</param>
    /// <param name="serviceId">The key of the registrations, or <see langword="null"/> for unkeyed ones.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static IKernelBuilder AddUrialEmbeddingGenerator(this IKernelBuilder builder, string modelPath, string? serviceId = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        _ = serviceId is null ? builder.Services.AddUrialEmbeddingGenerator(modelPath) : builder.Services.AddKeyedUrialEmbeddingGenerator(serviceId, modelPath);
        return builder;
    }
}
