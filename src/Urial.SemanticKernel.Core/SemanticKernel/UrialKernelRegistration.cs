using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel.ChatCompletion;
using Microsoft.SemanticKernel.TextGeneration;

namespace Urial.SemanticKernel;

/// <summary>What every <c>AddUrialChatCompletion</c> (local or remote) adds over its registered model: the Semantic Kernel services.</summary>
internal static class UrialKernelRegistration
{
    /// <summary>Adds the chat client with Semantic Kernel's function invocation and the Semantic Kernel services over the model registered under <paramref name="serviceId"/>.</summary>
    public static IServiceCollection AddChatCompletionServices(IServiceCollection services, string? serviceId)
    {
        UrialRegistration.AddChatClient(services, serviceId, kernelFunctionInvocation: true);
        services.AddKeyedSingleton(serviceId, (sp, _) => new UrialChatCompletionService(sp.GetRequiredKeyedService<IChatClient>(serviceId), sp));
        services.AddKeyedSingleton<IChatCompletionService>(serviceId, (sp, _) => sp.GetRequiredKeyedService<UrialChatCompletionService>(serviceId));
        services.AddKeyedSingleton<ITextGenerationService>(serviceId, (sp, _) => sp.GetRequiredKeyedService<UrialChatCompletionService>(serviceId));
        return services;
    }
}
