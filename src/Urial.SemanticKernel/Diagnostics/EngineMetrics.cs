using System.Diagnostics.Metrics;

namespace Urial.SemanticKernel;

/// <summary>The engine's instruments on the <see cref="UrialTelemetry.EngineMeterName"/> meter; recording costs nothing while nobody listens.</summary>
internal sealed class EngineMetrics : IDisposable
{
    private readonly Meter _meter;
    private readonly Histogram<double> _timeToFirstToken;
    private readonly Histogram<double> _outputTokensPerSecond;
    private readonly Counter<long> _promptTokens;
    private readonly Counter<long> _cachedPromptTokens;
    private readonly Counter<long> _faults;
    private readonly KeyValuePair<string, object?> _model;

    public EngineMetrics(string modelId, Func<EngineGauges> gauges)
    {
        _model = new("gen_ai.request.model", modelId);
        _meter = new Meter(UrialTelemetry.EngineMeterName);
        _timeToFirstToken = _meter.CreateHistogram<double>("urial.engine.time_to_first_token", "s", "Time from submitting a request to its first generated token.");
        _outputTokensPerSecond = _meter.CreateHistogram<double>("urial.engine.output_tokens_per_second", "{token}/s", "Decode rate of a request after its first token.");
        _promptTokens = _meter.CreateCounter<long>("urial.engine.prompt_tokens", "{token}", "Prompt tokens of admitted requests.");
        _cachedPromptTokens = _meter.CreateCounter<long>("urial.engine.prompt_tokens.cached", "{token}", "Prompt tokens served from the prefix cache instead of being evaluated.");
        _faults = _meter.CreateCounter<long>("urial.engine.faults", "{fault}", "Decode failures and loop faults the engine recovered from.");
        _meter.CreateObservableGauge("urial.engine.queue_length", () => new Measurement<int>(gauges().Waiting, _model), "{request}", "Requests waiting for admission.");
        _meter.CreateObservableGauge("urial.engine.running_requests", () => new Measurement<int>(gauges().Running, _model), "{request}", "Requests being decoded.");
        _meter.CreateObservableGauge("urial.engine.kv_cells_in_use", () => new Measurement<int>(gauges().KvCells, _model), "{cell}", "KV cells held by the prefix, running requests and cached sequences (an upper bound).");
        _meter.CreateObservableGauge("urial.engine.cached_sequences", () => new Measurement<int>(gauges().CachedSequences, _model), "{sequence}", "Finished sequences kept for prefix reuse.");
    }

    public void FirstToken(TimeSpan elapsed)
    {
        if (_timeToFirstToken.Enabled)
        {
            _timeToFirstToken.Record(elapsed.TotalSeconds, _model);
        }
    }

    public void Decoded(int tokens, TimeSpan elapsed)
    {
        if (_outputTokensPerSecond.Enabled && tokens > 1 && elapsed > TimeSpan.Zero)
        {
            _outputTokensPerSecond.Record((tokens - 1) / elapsed.TotalSeconds, _model);
        }
    }

    public void Admitted(int promptTokens, int cachedTokens)
    {
        _promptTokens.Add(promptTokens, _model);
        _cachedPromptTokens.Add(cachedTokens, _model);
    }

    public void Fault() => _faults.Add(1, _model);

    public void Dispose() => _meter.Dispose();
}

/// <summary>A snapshot of the engine's occupancy, published by the loop for the observable gauges.</summary>
internal readonly record struct EngineGauges(int Waiting, int Running, int KvCells, int CachedSequences);
