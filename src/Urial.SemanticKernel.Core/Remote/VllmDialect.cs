using System.Text.Json.Nodes;

namespace Urial.SemanticKernel;

/// <summary>
/// vLLM's <c>/v1/completions</c>: OpenAI's fields plus vLLM's sampling extras (<c>top_k</c>, <c>min_p</c>, <c>repetition_penalty</c>),
/// the grammar in <c>structured_outputs.grammar</c> (v0.10.2 and later) or <c>guided_grammar</c> (earlier), the prompt as the
/// tokens vLLM's <c>/tokenize</c> returned, and <c>stop_reason</c> naming the stop sequence hit. Prefix caching is automatic.
/// </summary>
/// <remarks>vLLM applies the repetition penalty over the whole sequence: <see cref="SamplingParameters.PenaltyWindow"/> has no equivalent there.</remarks>
internal sealed class VllmDialect(string? model, bool structuredOutputs) : OpenAICompletionsDialect(model)
{
    public override bool ConstrainsGrammar => true;

    public override bool ReportsStopWord => true;

    public override int MaxStops => 64;

    public override async Task<int[]?> TokenizeAsync(RemoteHttp http, string text, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["prompt"] = text, ["add_special_tokens"] = true };
        if (Model is not null)
        {
            body["model"] = Model;
        }

        return Tokens(await http.PostJsonAsync("tokenize", body, cancellationToken).ConfigureAwait(false));
    }

    public override JsonObject Body(CompletionCall call)
    {
        var body = base.Body(call);
        var sampling = call.Sampling;
        body["top_k"] = sampling.TopK == 0 ? -1 : sampling.TopK; // -1 disables top-k in every vLLM version
        body["min_p"] = sampling.MinP;
        body["repetition_penalty"] = sampling.RepetitionPenalty;
        if (call.Grammar is { } grammar)
        {
            if (structuredOutputs)
            {
                body["structured_outputs"] = new JsonObject { ["grammar"] = grammar };
            }
            else
            {
                body["guided_grammar"] = grammar;
            }
        }

        return body;
    }
}
