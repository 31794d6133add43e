using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Urial.SemanticKernel;

/// <summary>
/// What every public remote <c>AddUrial…</c> method ends in: named remote options validated at start, a named resilient
/// <see cref="HttpClient"/> from the application's <see cref="IHttpClientFactory"/>, and the shared model registration
/// (<see cref="UrialRegistration.AddModel"/>: prompt, warm-up, health) with a <see cref="UrialRemoteEngine"/> as its engine.
/// </summary>
internal static class UrialRemoteRegistration
{
    /// <summary>Registers the remotely served model of <paramref name="serviceId"/>; the clients over it are added by the caller.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="serviceId">The key, or <see langword="null"/> for the unkeyed registration.</param>
    /// <param name="configureChat">Configures the URIAL options (prompt, sampling defaults, middleware).</param>
    /// <param name="configureRemote">Configures the servers.</param>
    public static void AddModel(
        IServiceCollection services, string? serviceId, Action<OptionsBuilder<UrialOptions>> configureChat, Action<OptionsBuilder<UrialRemoteEngineOptions>> configureRemote)
    {
        ArgumentNullException.ThrowIfNull(services);
        var name = UrialRegistration.OptionsName(serviceId);
        var remote = services.AddOptions<UrialRemoteEngineOptions>(name);
        configureRemote(remote);
        remote.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<UrialRemoteEngineOptions>, RemoteOptionsValidator>());

        var clientName = RemoteHttpClients.Name(serviceId);
        RemoteHttpClients.Add(services, clientName, sp => Settings(sp, name));
        UrialRegistration.AddModel(
            services,
            serviceId,
            options =>
            {
                configureChat(options);
                options.Configure(o => o.IsRemote = true);
            },
            (sp, _) => new UrialRemoteEngine(Settings(sp, name), sp.GetRequiredService<IHttpClientFactory>(), clientName, sp.GetService<ILoggerFactory>()),
            isRemote: true);
    }

    /// <summary>Configures one server (or a gateway) given in code.</summary>
    public static Action<OptionsBuilder<UrialRemoteEngineOptions>> Server(Uri endpoint, string? modelId, string? apiKey)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return remote => remote.Configure(o =>
        {
            o.Endpoints.Add(endpoint);
            o.Model = modelId;
            o.ApiKey = apiKey;
        });
    }

    /// <summary>Binds the servers from the <c>Remote</c> subsection of a section such as <c>Urial</c>.</summary>
    public static Action<OptionsBuilder<UrialRemoteEngineOptions>> BindServers(IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        return remote => remote.Bind(section.GetSection(UrialRemoteEngineOptions.SectionName));
    }

    /// <summary>Configures the servers in code.</summary>
    public static Action<OptionsBuilder<UrialRemoteEngineOptions>> ConfigureServers(Action<UrialRemoteEngineOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return remote => remote.Configure(configure);
    }

    /// <summary>Sets a prompt given in code (if any), leaving every other URIAL option as it is.</summary>
    public static Action<OptionsBuilder<UrialOptions>> WithPrompt(UrialPrompt? prompt) =>
        options => options.Configure(o => o.PromptInstance = prompt ?? o.PromptInstance);

    private static RemoteSettings Settings(IServiceProvider services, string name) =>
        new(services.GetRequiredService<IOptionsMonitor<UrialRemoteEngineOptions>>().Get(name));

    /// <summary>Reports every problem of the remote options at host start, each naming the option (never the API key's value).</summary>
    private sealed class RemoteOptionsValidator : IValidateOptions<UrialRemoteEngineOptions>
    {
        public ValidateOptionsResult Validate(string? name, UrialRemoteEngineOptions options)
        {
            var label = string.IsNullOrEmpty(name) ? "Urial:Remote" : $"Urial:Remote ('{name}')";
            var errors = options.Validate();
            return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors.Select(e => $"{label}: {e}"));
        }
    }
}
