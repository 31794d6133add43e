using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;

namespace Urial.SemanticKernel;

/// <summary>The one registration every public <c>AddUrial…</c> overload ends in: named options, engine, pipeline and warm-up per service id.</summary>
internal static class UrialRegistration
{
    /// <summary>Gets the named-options name of a service id: the default name for the unkeyed registration.</summary>
    public static string OptionsName(string? serviceId) => serviceId ?? Options.DefaultName;

    /// <param name="services">The service collection.</param>
    /// <param name="serviceId">The registration key.</param>
    /// <param name="configure">Configures the named options.</param>
    /// <param name="engine">Creates the engine; <see langword="null"/> creates the local LLamaSharp engine from the options.</param>
    public static IServiceCollection AddUrialChatClientCore(
        IServiceCollection services, string? serviceId, Action<OptionsBuilder<UrialOptions>> configure, Func<IServiceProvider, UrialServiceState, IUrialEngine>? engine = null)
    {
        var optionsBuilder = services.AddOptions<UrialOptions>(OptionsName(serviceId));
        configure(optionsBuilder);
        optionsBuilder.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<UrialOptions>, UrialOptionsValidator>());

        // Registering the same id again only adds configuration: one engine, one warm-up per id.
        if (services.Any(d => d.IsKeyedService && d.ServiceType == typeof(UrialServiceState) && Equals(d.ServiceKey, serviceId))
            || (serviceId is null && services.Any(d => !d.IsKeyedService && d.ServiceType == typeof(UrialServiceState))))
        {
            return services;
        }

        services.AddKeyedSingleton(serviceId, (sp, _) =>
            new UrialServiceState(serviceId, sp.GetRequiredService<IOptionsMonitor<UrialOptions>>().Get(OptionsName(serviceId))));

        services.AddKeyedSingleton<IUrialEngine>(serviceId, (sp, _) =>
        {
            var state = sp.GetRequiredKeyedService<UrialServiceState>(serviceId);
            return engine?.Invoke(sp, state) ?? new UrialEngine(state.Options.ToEngineOptions(state.Prompt), sp.GetService<ILoggerFactory>());
        });

        services.AddKeyedSingleton<IChatClient>(serviceId, (sp, _) =>
        {
            var state = sp.GetRequiredKeyedService<UrialServiceState>(serviceId);
            var loggerFactory = sp.GetService<ILoggerFactory>();
            var leaf = new UrialChatClient(sp.GetRequiredKeyedService<IUrialEngine>(serviceId), state.Prompt);

            // Defaults are filled in above the telemetry layer so that its spans record the values actually used.
            var builder = leaf.AsBuilder()
                .UseKernelFunctionInvocation(loggerFactory)
                .ConfigureOptions(options => ChatOptionsDefaults.Apply(options, state.Options))
                .UseOpenTelemetry(loggerFactory, UrialTelemetry.SourceName);
            if (loggerFactory is not null)
            {
                // UseLogging resolves a required ILoggerFactory when given none: a kernel without logging has none.
                builder.UseLogging(loggerFactory);
            }

            return builder.Build(sp);
        });

        services.AddSingleton<IHostedService>(sp => new UrialWarmUpService(serviceId, sp));
        return services;
    }
}
