namespace Urial.SemanticKernel;

/// <summary>The middleware a Urial registration puts around its client; combine the flags, or remove one with <c>&amp;= ~</c>.</summary>
/// <remarks>
/// Bindable from configuration as a comma-separated list (<c>"Middleware": "OpenTelemetry, Logging"</c>). Whatever else the
/// application adds on the builder that <c>AddUrialChatClient</c> returns sits between function invocation (outermost) and
/// OpenTelemetry, so telemetry and logs describe each call the model actually serves.
/// </remarks>
[Flags]
public enum UrialMiddleware
{
    /// <summary>No middleware: the registered client is the builder's pipeline around the bare Urial client.</summary>
    None = 0,

    /// <summary>
    /// Automatic function invocation, outermost: Semantic Kernel's (<c>UseKernelFunctionInvocation</c>, which honours
    /// <c>FunctionChoiceBehavior</c> and kernel filters) for the Semantic Kernel registrations, Microsoft.Extensions.AI's
    /// (<c>UseFunctionInvocation</c>) otherwise. Left out when the application's own pipeline already invokes functions.
    /// </summary>
    FunctionInvocation = 1,

    /// <summary>OpenTelemetry GenAI spans and metrics under the source <see cref="UrialTelemetry.SourceName"/> (<c>UseOpenTelemetry</c>).</summary>
    OpenTelemetry = 2,

    /// <summary>Logging of each call through the registered <c>ILoggerFactory</c> (<c>UseLogging</c>; content only at Trace), when there is one.</summary>
    Logging = 4,

    /// <summary>Every middleware above: the default.</summary>
    Default = FunctionInvocation | OpenTelemetry | Logging,
}
