namespace Urial.SemanticKernel;

/// <summary>The names under which the library reports telemetry.</summary>
public static class UrialTelemetry
{
    /// <summary>The <see cref="System.Diagnostics.ActivitySource"/> and <see cref="System.Diagnostics.Metrics.Meter"/> name of the chat pipeline's OpenTelemetry layer (GenAI semantic conventions).</summary>
    public const string SourceName = "Urial.SemanticKernel";
}
