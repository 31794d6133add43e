using System.Text.Json;
using System.Text.Json.Nodes;

namespace Urial.SemanticKernel;

/// <summary>
/// Plain OpenAI-compatible <c>/v1/completions</c>: only the fields of OpenAI's specification are sent, there is no grammar and
/// no tokenizer, and the stream is read as OpenAI documents it (<c>choices[0].text</c>, <c>finish_reason</c>, a usage chunk, <c>[DONE]</c>).
/// </summary>
/// <remarks>vLLM's dialect extends this one with its own fields.</remarks>
internal class OpenAICompletionsDialect(string? model) : RemoteDialect
{
    public override bool ConstrainsGrammar => false;

    public override bool ReportsStopWord => false;

    /// <summary>Gets OpenAI's limit on stop sequences; the engine matches the others itself.</summary>
    public override int MaxStops => 4;

    public override string CompletionPath => "v1/completions";

    protected string? Model => model;

    public override Task<int[]?> TokenizeAsync(RemoteHttp http, string text, CancellationToken cancellationToken) => Task.FromResult<int[]?>(null);

    public override JsonObject Body(CompletionCall call)
    {
        var sampling = call.Sampling;
        var body = new JsonObject
        {
            ["prompt"] = PromptNode(call),
            ["max_tokens"] = call.MaxTokens,
            ["stream"] = true,
            ["stream_options"] = new JsonObject { ["include_usage"] = true },
            ["temperature"] = sampling.Temperature,
            ["top_p"] = sampling.TopP,
            ["frequency_penalty"] = sampling.FrequencyPenalty,
            ["presence_penalty"] = sampling.PresencePenalty,
        };
        if (model is not null)
        {
            body["model"] = model;
        }

        if (call.Stops.Count > 0)
        {
            body["stop"] = Array(call.Stops.Take(MaxStops));
        }

        if (sampling.Seed is { } seed)
        {
            body["seed"] = seed;
        }

        return body;
    }

    public override string Read(string field, string value, CompletionOutcome outcome, RemoteHttp http)
    {
        if (field == "data" && value == "[DONE]")
        {
            if (outcome.FinishReason is null)
            {
                throw http.StreamFailed("ended its stream without a finish reason (truncated)");
            }

            outcome.Completed = true;
            return string.Empty;
        }

        using var document = JsonDocument.Parse(value);
        var root = document.RootElement;
        ThrowIfError(field, root, value, http);
        if (field != "data")
        {
            return string.Empty;
        }

        var text = string.Empty;
        if (root.TryGetProperty("choices", out var choices) && choices.ValueKind == JsonValueKind.Array && choices.GetArrayLength() > 0)
        {
            var choice = choices[0];
            text = String(choice, "text") ?? string.Empty;
            switch (String(choice, "finish_reason"))
            {
                case null:
                    break;
                case "length":
                    outcome.FinishReason = GenerationFinishReason.Length;
                    break;
                default:
                    outcome.FinishReason = GenerationFinishReason.Stop;
                    outcome.StopWord = ReportsStopWord ? String(choice, "stop_reason") : null;
                    break;
            }
        }

        if (root.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
        {
            outcome.PromptTokens = Int(usage, "prompt_tokens");
            outcome.OutputTokens = Int(usage, "completion_tokens");
            if (usage.TryGetProperty("prompt_tokens_details", out var details) && Int(details, "cached_tokens") is { } cached)
            {
                outcome.CachedPromptTokens = cached;
            }
            else if (outcome.PromptTokens is { } prompt && root.TryGetProperty("timings", out var timings) && Int(timings, "prompt_n") is { } evaluated)
            {
                outcome.CachedPromptTokens = Math.Max(0, prompt - evaluated); // llama-server's /v1 reports its cache this way
            }
        }

        return text;
    }
}
