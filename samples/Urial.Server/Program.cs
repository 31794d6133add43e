// An OpenAI-compatible endpoint for a URIAL-aligned base model: POST /v1/chat/completions (streaming or not, tools,
// JSON schemas), GET /v1/models, /health and /metrics. Any OpenAI client, in any language, can use a base model
// that has no chat template. Configure with appsettings.json, environment variables (Urial__ModelPath) or arguments
// (--Urial:ModelPath=… --Server:ApiKey=… --urls http://127.0.0.1:8080).
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using Urial.SemanticKernel;
using Urial.Server;
using Urial.Server.OpenAI;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddOptions<ServerOptions>().BindConfiguration(ServerOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddOptions<KestrelServerOptions>().Configure<IOptions<ServerOptions>>((kestrel, server) => kestrel.Limits.MaxRequestBodySize = server.Value.MaxRequestBodyBytes);
builder.Services.AddSingleton<ServerErrors>();
builder.Services.AddUrialChatClient(builder.Configuration.GetSection(UrialOptions.SectionName));
// A server hands tool calls back to its client, which runs them: no automatic function invocation here.
builder.Services.PostConfigure<UrialOptions>(options => options.Middleware &= ~UrialMiddleware.FunctionInvocation);
builder.Services.AddHealthChecks().AddUrialHealthCheck();
builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
    .AddMeter(UrialTelemetry.EngineMeterName, UrialTelemetry.SourceName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel")
    .AddPrometheusExporter());

var app = builder.Build();
app.UseMiddleware<ApiKeyMiddleware>();
app.MapPost("/v1/chat/completions", ChatCompletionsEndpoint.HandleAsync);
app.MapGet("/v1/models", ModelsEndpoint.Handle);
app.MapHealthChecks("/health");
app.MapPrometheusScrapingEndpoint("/metrics");
await app.RunAsync().ConfigureAwait(false);
