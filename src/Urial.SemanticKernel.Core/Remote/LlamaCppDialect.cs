using System.Text.Json;
using System.Text.Json.Nodes;

namespace Urial.SemanticKernel;

/// <summary>
/// llama.cpp's <c>llama-server</c> through its native <c>/completion</c>: the prompt as the server's own tokens, every sampler set
/// explicitly (the server's defaults are not the URIAL paper's), <c>cache_prompt</c> for prefix reuse, <c>grammar</c> for constraints.
/// </summary>
/// <remarks>
/// Lazy grammars (<c>grammar_lazy</c> with <c>grammar_trigger_words</c>) are never sent: with build b4748 a trigger token that
/// carries text the grammar does not accept aborts the whole server process, and which token the model samples cannot be known
/// beforehand (docs/scale-out.md shows the reproduction). The engine stops at the trigger and continues with a second request.
/// </remarks>
internal sealed class LlamaCppDialect : RemoteDialect
{
    public override bool ConstrainsGrammar => true;

    public override bool ReportsStopWord => true;

    public override string CompletionPath => "completion";

    public override async Task<int[]?> TokenizeAsync(RemoteHttp http, string text, CancellationToken cancellationToken)
    {
        var root = await http.PostJsonAsync("tokenize", new JsonObject { ["content"] = text, ["add_special"] = true }, cancellationToken).ConfigureAwait(false);
        return Tokens(root);
    }

    public override JsonObject Body(CompletionCall call)
    {
        var sampling = call.Sampling;
        var body = new JsonObject
        {
            ["prompt"] = PromptNode(call),
            ["n_predict"] = call.MaxTokens,
            ["stream"] = true,
            ["cache_prompt"] = true,
            ["temperature"] = sampling.Temperature,
            ["top_k"] = sampling.TopK,
            ["top_p"] = sampling.TopP,
            ["min_p"] = sampling.MinP,
            ["typical_p"] = 1.0,
            ["repeat_penalty"] = sampling.RepetitionPenalty,
            ["repeat_last_n"] = sampling.PenaltyWindow,
            ["frequency_penalty"] = sampling.FrequencyPenalty,
            ["presence_penalty"] = sampling.PresencePenalty,
            ["stop"] = Array(call.Stops),
        };
        if (sampling.Seed is { } seed)
        {
            body["seed"] = seed;
        }

        if (call.Grammar is { } grammar)
        {
            body["grammar"] = grammar;
        }

        return body;
    }

    public override string Read(string field, string value, CompletionOutcome outcome, RemoteHttp http)
    {
        using var document = JsonDocument.Parse(value);
        var root = document.RootElement;
        ThrowIfError(field, root, value, http);
        if (field != "data")
        {
            return string.Empty;
        }

        var text = root.GetProperty("content").GetString() ?? string.Empty;
        outcome.OutputTokens = Int(root, "tokens_predicted") ?? outcome.OutputTokens;
        if (!root.TryGetProperty("stop", out var stop) || !stop.GetBoolean())
        {
            return text;
        }

        outcome.Completed = true;
        outcome.FinishReason = String(root, "stop_type") switch
        {
            "eos" or "word" => GenerationFinishReason.Stop,
            "limit" => GenerationFinishReason.Length,
            var other => throw http.StreamFailed($"ended the answer for an unknown reason ('{other}')"),
        };
        outcome.StopWord = String(root, "stopping_word") is { Length: > 0 } word ? word : null;
        outcome.Truncated = root.TryGetProperty("truncated", out var truncated) && truncated.GetBoolean();
        outcome.PromptTokens = Int(root, "tokens_evaluated");
        if (outcome.PromptTokens is { } prompt && root.TryGetProperty("timings", out var timings) && Int(timings, "prompt_n") is { } evaluated)
        {
            // The server re-evaluates at least the last prompt token; the rest came from the slot's cache.
            outcome.CachedPromptTokens = Math.Max(0, prompt - evaluated);
        }

        return text;
    }
}
