using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using Urial.AgentConsole.Plugins;
using Urial.SemanticKernel;

namespace Urial.AgentConsole.Chat;

/// <summary>Owns the kernel (and through it the engine and the model) and the plugins both runtimes share.</summary>
internal sealed class AssistantHost : IAsyncDisposable
{
    private readonly Kernel _kernel;

    private AssistantHost(Kernel kernel, UrialPrompt prompt)
    {
        _kernel = kernel;
        Prompt = prompt;
        Engine = kernel.GetRequiredService<IUrialEngine>();
    }

    public UrialPrompt Prompt { get; }

    public IUrialEngine Engine { get; }

    /// <summary>Gets the Urial chat client at the end of the kernel's chat pipeline.</summary>
    public UrialChatClient Client => _kernel.GetRequiredService<IChatClient>().GetService<UrialChatClient>()!;

    /// <summary>Gets the number of tokens of the URIAL prefix held in the KV cache, once warmed up.</summary>
    public int? CachedPrefixTokens => (Engine as UrialEngine)?.CachedPrefixTokenCount;

    /// <summary>Gets the context size; a remote engine knows it once warmed up.</summary>
    public int ContextSize => Engine.ContextSize;

    /// <summary>Builds the kernel with the Urial chat-completion service and the clock, calculator and notes plugins.</summary>
    /// <param name="modelPath">The GGUF model.</param>
    /// <param name="prompt">The URIAL prompt.</param>
    /// <param name="notes">Where the notes plugin keeps its notes.</param>
    /// <returns>The host; nothing is loaded until <see cref="WarmUpAsync"/>.</returns>
    public static AssistantHost Create(string modelPath, UrialPrompt prompt, NotesStore notes) =>
        Create(builder => builder.AddUrialChatCompletion(modelPath, prompt), prompt, notes);

    /// <summary>Builds the kernel over a serving engine (llama-server, vLLM, OpenAI-compatible completions) instead of a local model.</summary>
    /// <param name="server">The server's base address.</param>
    /// <param name="apiKey">The API key, or <see langword="null"/>.</param>
    /// <param name="prompt">The URIAL prompt.</param>
    /// <param name="notes">Where the notes plugin keeps its notes.</param>
    /// <returns>The host; nothing is sent until <see cref="WarmUpAsync"/>.</returns>
    public static AssistantHost CreateRemote(Uri server, string? apiKey, UrialPrompt prompt, NotesStore notes) =>
        Create(builder => builder.AddUrialChatCompletion(server, apiKey: apiKey, prompt: prompt), prompt, notes);

    private static AssistantHost Create(Action<IKernelBuilder> addChatCompletion, UrialPrompt prompt, NotesStore notes)
    {
        var builder = Kernel.CreateBuilder();

        addChatCompletion(builder);
        builder.Plugins.AddFromObject(new ClockPlugin(), "Clock");
        builder.Plugins.AddFromType<CalculatorPlugin>("Calculator");
        builder.Plugins.AddFromObject(new NotesPlugin(notes), "Notes");
        return new AssistantHost(builder.Build(), prompt);
    }

    /// <summary>Loads the model and evaluates the URIAL prefix, so the first answer does not pay for it.</summary>
    /// <param name="cancellationToken">The token to cancel waiting.</param>
    /// <returns>A task that completes when the engine is ready.</returns>
    public Task WarmUpAsync(CancellationToken cancellationToken) => Engine.WarmUpAsync(cancellationToken);

    /// <summary>Creates the runtime that answers: the kernel itself, or an agent given the same plugins as tools.</summary>
    /// <param name="useAgent">Whether to use the Agent Framework.</param>
    /// <param name="maxTokens">The most tokens per answer.</param>
    /// <returns>The assistant.</returns>
    public IAssistant CreateAssistant(bool useAgent, int maxTokens)
    {
        if (!useAgent)
        {
            return new KernelAssistant(_kernel, maxTokens);
        }

        // AsAIFunctions binds each function to the kernel: a bare KernelFunction fails inside the agent.
        var tools = _kernel.Plugins.SelectMany(plugin => plugin.AsAIFunctions(_kernel)).Cast<AITool>().ToList();
        return new AgentAssistant(_kernel.GetRequiredService<IChatClient>(), tools, maxTokens, _kernel.Services);
    }

    /// <summary>Disposes the kernel's service provider, which owns the engine and frees the model.</summary>
    /// <returns>A task that completes when the model is freed.</returns>
    public ValueTask DisposeAsync() => _kernel.Services is IAsyncDisposable services ? services.DisposeAsync() : ValueTask.CompletedTask;
}
