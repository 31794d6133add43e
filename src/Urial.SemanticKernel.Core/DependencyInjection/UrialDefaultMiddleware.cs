using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel;

namespace Urial.SemanticKernel;

/// <summary>The default middleware of a registered Urial chat client or embedding generator (<see cref="UrialMiddleware"/>).</summary>
internal static class UrialDefaultMiddleware
{
    /// <summary>Adds OpenTelemetry and logging (each when chosen) around the client, innermost, so they describe each call the model serves.</summary>
    public static void AddTelemetryAndLogging(ChatClientBuilder builder, IServiceProvider services, UrialMiddleware middleware)
    {
        var loggerFactory = services.GetService<ILoggerFactory>();
        if (middleware.HasFlag(UrialMiddleware.OpenTelemetry))
        {
            builder.UseOpenTelemetry(loggerFactory, UrialTelemetry.SourceName);
        }

        // UseLogging needs an ILoggerFactory: a kernel or a container without logging has none, and then there is nothing to log to.
        if (middleware.HasFlag(UrialMiddleware.Logging) && loggerFactory is not null)
        {
            builder.UseLogging(loggerFactory);
        }
    }

    /// <summary>Adds OpenTelemetry and logging (each when chosen) around the generator, innermost.</summary>
    public static void AddTelemetryAndLogging(EmbeddingGeneratorBuilder<string, Embedding<float>> builder, IServiceProvider services, UrialMiddleware middleware)
    {
        var loggerFactory = services.GetService<ILoggerFactory>();
        if (middleware.HasFlag(UrialMiddleware.OpenTelemetry))
        {
            builder.UseOpenTelemetry(loggerFactory, UrialTelemetry.SourceName);
        }

        if (middleware.HasFlag(UrialMiddleware.Logging) && loggerFactory is not null)
        {
            builder.UseLogging(loggerFactory);
        }
    }

    /// <summary>Puts automatic function invocation around the finished pipeline, unless it was not chosen or the application's pipeline already has one.</summary>
    /// <remarks>
    /// Two function-invoking layers would each run the loop: the outer one would see no calls (the inner one consumed them) but would pay
    /// for its bookkeeping, and SK's <c>autoInvoke: false</c> would be ignored by a plain inner one. <see cref="FunctionInvokingChatClient"/>
    /// is the base of Semantic Kernel's layer too, so one lookup finds either.
    /// </remarks>
    public static IChatClient WithFunctionInvocation(IChatClient pipeline, IServiceProvider services, UrialMiddleware middleware, bool kernelFunctionInvocation)
    {
        if (!middleware.HasFlag(UrialMiddleware.FunctionInvocation) || pipeline.GetService(typeof(FunctionInvokingChatClient)) is not null)
        {
            return pipeline;
        }

        var loggerFactory = services.GetService<ILoggerFactory>();
        var builder = pipeline.AsBuilder();
        return kernelFunctionInvocation
            ? builder.UseKernelFunctionInvocation(loggerFactory).Build(services)
            : builder.UseFunctionInvocation(loggerFactory).Build(services);
    }
}
