using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Urial.SemanticKernel;

/// <summary>
/// The one registration every public remote <c>AddUrial…</c> overload ends in: named remote options validated at start, a named
/// resilient <see cref="HttpClient"/> from the application's <see cref="IHttpClientFactory"/>, and the shared chat registration
/// (prompt, pipeline, warm-up, health) with a <see cref="UrialRemoteEngine"/> as its engine.
/// </summary>
internal static class UrialRemoteRegistration
{
    public static IServiceCollection Add(
        IServiceCollection services, string? serviceId, Action<OptionsBuilder<UrialOptions>> configureChat, Action<OptionsBuilder<UrialRemoteEngineOptions>> configureRemote)
    {
        var name = UrialRegistration.OptionsName(serviceId);
        var remote = services.AddOptions<UrialRemoteEngineOptions>(name);
        configureRemote(remote);
        remote.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<UrialRemoteEngineOptions>, RemoteOptionsValidator>());

        var clientName = RemoteHttpClients.Name(serviceId);
        RemoteHttpClients.Add(services, clientName, sp => Settings(sp, name));
        return UrialRegistration.AddUrialChatClientCore(
            services,
            serviceId,
            options =>
            {
                configureChat(options);
                options.Configure(o => o.IsRemote = true);
            },
            (sp, _) => new UrialRemoteEngine(Settings(sp, name), sp.GetRequiredService<IHttpClientFactory>(), clientName, sp.GetService<ILoggerFactory>()));
    }

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
