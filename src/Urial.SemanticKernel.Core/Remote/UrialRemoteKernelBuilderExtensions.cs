using Microsoft.Extensions.Configuration;
using Urial.SemanticKernel;

namespace Microsoft.SemanticKernel;

/// <summary>Adds the Urial connector over serving engines to a kernel builder: one-line forwarders to the service-collection extensions.</summary>
public static class UrialRemoteKernelBuilderExtensions
{
    /// <summary>Adds the Urial chat-completion service over one server (or a gateway) that serves a base model.</summary>
    /// <param name="builder">The kernel builder.</param>
    /// <param name="endpoint">The server's base address, e.g. <c>http://vllm:8000/v1</c>.</param>
    /// <param name="modelId">The model name to send and report, or <see langword="null"/> for the server's.</param>
    /// <param name="apiKey">The API key sent as a bearer token (never logged), or <see langword="null"/>.</param>
    /// <param name="prompt">The URIAL prompt; <see langword="null"/> uses <see cref="UrialPrompt.Default"/>.</param>
    /// <param name="serviceId">The key of the registrations, or <see langword="null"/> for unkeyed ones.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="endpoint"/> is <see langword="null"/>.</exception>
    public static IKernelBuilder AddUrialChatCompletion(this IKernelBuilder builder, Uri endpoint, string? modelId = null, string? apiKey = null, UrialPrompt? prompt = null, string? serviceId = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddUrialChatCompletion(endpoint, modelId, apiKey, prompt, serviceId);
        return builder;
    }

    /// <summary>Adds the Urial chat-completion service over serving engines configured from a section such as <c>Urial</c> (servers in its <c>Remote</c> subsection).</summary>
    /// <param name="builder">The kernel builder.</param>
    /// <param name="section">The section, usually <c>configuration.GetSection("Urial")</c>.</param>
    /// <param name="serviceId">The key of the registrations (and the options name), or <see langword="null"/> for unkeyed ones.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="section"/> is <see langword="null"/>.</exception>
    public static IKernelBuilder AddUrialRemoteChatCompletion(this IKernelBuilder builder, IConfiguration section, string? serviceId = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddUrialRemoteChatCompletion(section, serviceId);
        return builder;
    }
}
