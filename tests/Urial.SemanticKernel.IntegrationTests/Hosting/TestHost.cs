using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.SemanticKernel;

namespace Urial.SemanticKernel.IntegrationTests.Hosting;

/// <summary>Builds a real generic host from in-memory configuration.</summary>
internal static class TestHost
{
    public static IHost Build(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection, IConfiguration> register)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        register(builder.Services, builder.Configuration);
        return builder.Build();
    }

    /// <summary>Starts a host that registers one chat-completion service from the <c>Urial</c> section and returns the start failure.</summary>
    public static async Task<Exception> StartFailure(IReadOnlyDictionary<string, string?> settings)
    {
        using var host = Build(settings, (services, configuration) => services.AddUrialChatCompletion(configuration.GetSection(UrialOptions.SectionName)));
        var error = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync(TestContext.Current.CancellationToken));
        return error;
    }
}
