using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel;
using Urial.SemanticKernel;

namespace Urial.HostedService;

/// <summary>Asks the configured question through a <see cref="Kernel"/>, logs the answer and the health report, then stops the host.</summary>
internal sealed partial class QuestionWorker(
    Kernel kernel, HealthCheckService health, IConfiguration configuration, IHostApplicationLifetime lifetime, ILogger<QuestionWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var question = configuration["Question"] ?? "Tell me a story.";
            LogQuestion(logger, question);
            var answer = await kernel.InvokePromptAsync(question, new KernelArguments(new UrialPromptExecutionSettings()), cancellationToken: stoppingToken).ConfigureAwait(false);
            LogAnswer(logger, answer.ToString().Trim());

            var report = await health.CheckHealthAsync(stoppingToken).ConfigureAwait(false);
            foreach (var (name, entry) in report.Entries)
            {
                LogHealth(logger, name, entry.Status, entry.Description);
            }

            Environment.ExitCode = report.Status == HealthStatus.Healthy ? 0 : 1;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(logger, ex);
            Environment.ExitCode = 1;
        }
        finally
        {
            lifetime.StopApplication();
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Question: {Question}")]
    private static partial void LogQuestion(ILogger logger, string question);

    [LoggerMessage(2, LogLevel.Information, "Answer: {Answer}")]
    private static partial void LogAnswer(ILogger logger, string answer);

    [LoggerMessage(3, LogLevel.Information, "Health {Name}: {Status} ({Description})")]
    private static partial void LogHealth(ILogger logger, string name, HealthStatus status, string? description);

    [LoggerMessage(4, LogLevel.Error, "The question failed.")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
