using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Urial.SemanticKernel;

/// <summary>What every public <c>AddUrial…</c> method ends in: one model (options, engine, warm-up) per service id, and the clients over it.</summary>
internal static class UrialRegistration
{
    /// <summary>Gets the named-options name of a service id: the default name for the unkeyed registration.</summary>
    public static string OptionsName(string? serviceId) => serviceId ?? Options.DefaultName;

    /// <summary>Registers the model of <paramref name="serviceId"/>: its named options, validated at start, its engine and its warm-up.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="serviceId">The key, or <see langword="null"/> for the unkeyed registration.</param>
    /// <param name="configure">Configures the model's named options.</param>
    /// <param name="createEngine">Creates the model's engine once, from its state: the registering package's own engine (the local llama.cpp engine lives in the <c>Urial.SemanticKernel</c> package, the remote one here).</param>
    /// <param name="isRemote">Whether <paramref name="createEngine"/> reaches a server rather than loading a local model file.</param>
    /// <remarks>A second registration under the same id only adds configuration: one engine (one copy of the weights) and one warm-up per id, shared by its chat client and embedding generator.</remarks>
    /// <exception cref="InvalidOperationException">The id is already registered with an engine of the other kind (local or remote).</exception>
    public static void AddModel(IServiceCollection services, string? serviceId, Action<OptionsBuilder<UrialOptions>> configure, Func<IServiceProvider, UrialServiceState, IUrialEngine> createEngine, bool isRemote)
    {
        var registered = services.FirstOrDefault(d => d.ServiceType == typeof(ModelRegistration) && d.IsKeyedService == (serviceId is not null) && Equals(d.ServiceKey, serviceId));
        var model = (ModelRegistration?)(registered?.IsKeyedService == true ? registered.KeyedImplementationInstance : registered?.ImplementationInstance);
        if (model is not null && model.IsRemote != isRemote)
        {
            // The first registration of an id chose its engine: a later one of the other kind would silently run on it.
            var id = serviceId is null ? "The unkeyed Urial model" : $"The Urial model '{serviceId}'";
            throw new InvalidOperationException(model.IsRemote
                ? $"{id} is already registered over a server; register the local model under its own service key."
                : $"{id} is already registered over a local model file; register the server under its own service key.");
        }

        var optionsBuilder = services.AddOptions<UrialOptions>(OptionsName(serviceId));
        configure(optionsBuilder);
        optionsBuilder.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<UrialOptions>, UrialOptionsValidator>());
        if (model is not null)
        {
            return;
        }

        services.AddKeyedSingleton(serviceId, new ModelRegistration(isRemote));
        services.AddKeyedSingleton(serviceId, (sp, _) =>
            new UrialServiceState(serviceId, sp.GetRequiredService<IOptionsMonitor<UrialOptions>>().Get(OptionsName(serviceId))));

        // The container owns the engine through this one registration and disposes it once, when it is disposed itself.
        services.AddKeyedSingleton<IUrialEngine>(serviceId, (sp, _) =>
            createEngine(sp, sp.GetRequiredKeyedService<UrialServiceState>(serviceId)));

        services.AddSingleton<IHostedService>(sp => new UrialWarmUpService(serviceId, sp));
    }

    /// <summary>Registers the chat client of <paramref name="serviceId"/> and returns the builder of its pipeline.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="serviceId">The key, or <see langword="null"/> for the unkeyed registration.</param>
    /// <param name="kernelFunctionInvocation">Whether the default function invocation is Semantic Kernel's (for its registrations) or Microsoft.Extensions.AI's.</param>
    /// <returns>The builder whose pipeline wraps the client: what the application adds sits between function invocation and telemetry.</returns>
    public static ChatClientBuilder AddChatClient(IServiceCollection services, string? serviceId, bool kernelFunctionInvocation)
    {
        var builder = new ChatClientBuilder(sp => InnerChatPipeline(sp, serviceId));
        services.AddKeyedSingleton<IChatClient>(serviceId, (sp, _) =>
            UrialDefaultMiddleware.WithFunctionInvocation(builder.Build(sp), sp, OptionsOf(sp, serviceId).Middleware, kernelFunctionInvocation));
        return builder;
    }

    /// <summary>Checks a public method's service key.</summary>
    public static string Key(string serviceKey)
    {
        ArgumentNullException.ThrowIfNull(serviceKey);
        return serviceKey;
    }

    /// <summary>Binds the options from a configuration section.</summary>
    public static Action<OptionsBuilder<UrialOptions>> Bind(IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        return options => options.Bind(section);
    }

    /// <summary>Sets the options in code.</summary>
    public static Action<OptionsBuilder<UrialOptions>> Configure(Action<UrialOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return options => options.Configure(configure);
    }

    /// <summary>Sets the model path and a prompt given in code (if any), leaving every other option as it is.</summary>
    /// <remarks>A registration without a prompt (an embedding generator beside a chat client) keeps the prompt another registration of the id gave.</remarks>
    public static Action<OptionsBuilder<UrialOptions>> ModelAt(string modelPath, UrialPrompt? prompt)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelPath);
        return Configure(options =>
        {
            options.ModelPath = modelPath;
            options.PromptInstance = prompt ?? options.PromptInstance;
        });
    }

    /// <summary>Gets the validated options of the model registered under <paramref name="serviceId"/>.</summary>
    public static UrialOptions OptionsOf(IServiceProvider services, string? serviceId) =>
        services.GetRequiredKeyedService<UrialServiceState>(serviceId).Options;

    /// <summary>The client, the configured sampling defaults and the telemetry and logging layers that describe each model call.</summary>
    private static IChatClient InnerChatPipeline(IServiceProvider services, string? serviceId)
    {
        var state = services.GetRequiredKeyedService<UrialServiceState>(serviceId);
        var leaf = new UrialChatClient(services.GetRequiredKeyedService<IUrialEngine>(serviceId), state.Prompt);

        // Defaults are filled in above the telemetry layer so that its spans record the values actually used.
        var builder = leaf.AsBuilder().ConfigureOptions(options => ChatOptionsDefaults.Apply(options, state.Options));
        UrialDefaultMiddleware.AddTelemetryAndLogging(builder, services, state.Options.Middleware);
        return builder.Build(services);
    }

    /// <summary>Marks a service id as registered, and with which kind of engine.</summary>
    private sealed class ModelRegistration(bool isRemote)
    {
        public bool IsRemote { get; } = isRemote;
    }
}
