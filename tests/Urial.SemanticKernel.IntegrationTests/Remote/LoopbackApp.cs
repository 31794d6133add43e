using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Urial.SemanticKernel.IntegrationTests.Remote;

/// <summary>A Kestrel application on a free loopback port: the base of the test servers in front of, or instead of, llama-server.</summary>
internal static class LoopbackApp
{
    /// <summary>Starts an application with the routes <paramref name="map"/> adds.</summary>
    /// <returns>The running application and its base address (ending in <c>/</c>).</returns>
    public static async Task<(WebApplication App, Uri Address)> StartAsync(Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        return (app, new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single() + "/"));
    }

    /// <summary>Stops and disposes an application started by <see cref="StartAsync"/>.</summary>
    public static async ValueTask StopAsync(WebApplication app)
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    /// <summary>Writes one server-sent <c>data:</c> event holding <paramref name="chunk"/> as JSON, and flushes it.</summary>
    public static async Task SendEventAsync(HttpContext context, object chunk)
    {
        await context.Response.WriteAsync("data: " + JsonSerializer.Serialize(chunk) + "\n\n", context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }
}
