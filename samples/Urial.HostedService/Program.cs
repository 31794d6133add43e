// A generic-host worker: the Urial connector configured from appsettings.json (override any value with an
// environment variable such as Urial__ModelPath), warmed up at start, asked one question, then the host exits.
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.SemanticKernel;
using Urial.HostedService;
using Urial.SemanticKernel;

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });

builder.Services.AddUrialChatCompletion(builder.Configuration.GetSection(UrialOptions.SectionName));
builder.Services.PostConfigure<UrialOptions>(options => options.ModelPath = ModelLocator.Resolve(options.ModelPath));
builder.Services.AddHealthChecks().AddUrialHealthCheck();
builder.Services.AddKernel();
builder.Services.AddHostedService<QuestionWorker>();

using var host = builder.Build();
await host.RunAsync().ConfigureAwait(false);
return Environment.ExitCode;
