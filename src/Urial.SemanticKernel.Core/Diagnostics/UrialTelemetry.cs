namespace Urial.SemanticKernel;

/// <summary>The names under which the library reports telemetry.</summary>
public static class UrialTelemetry
{
    /// <summary>The <see cref="System.Diagnostics.ActivitySource"/> and <see cref="System.Diagnostics.Metrics.Meter"/> name of the chat pipeline's OpenTelemetry layer (GenAI semantic conventions).</summary>
    public const string SourceName = "Urial.SemanticKernel";

    /// <summary>
    /// The <see cref="System.Diagnostics.Metrics.Meter"/> name of the local engine's metrics: <c>urial.engine.time_to_first_token</c>,
    /// <c>urial.engine.output_tokens_per_second</c>, <c>urial.engine.prompt_tokens</c> and <c>.cached</c> (prefix reuse),
    /// <c>urial.engine.queue_length</c>, <c>urial.engine.running_requests</c>, <c>urial.engine.kv_cells_in_use</c>,
    /// <c>urial.engine.cached_sequences</c> and <c>urial.engine.faults</c>, tagged with <c>gen_ai.request.model</c>.
    /// </summary>
    public const string EngineMeterName = "Urial.SemanticKernel.Engine";
}
