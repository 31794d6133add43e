using System.Net;
using System.Runtime.CompilerServices;
using System.Text;

namespace Urial.SemanticKernel;

/// <content>
/// Grammars on servers that cannot constrain output (plain OpenAI-compatible completions): the answer is decoded freely, read
/// against the grammar as it streams, and repaired once when it leaves the grammar — never returned unchecked.
/// </content>
public sealed partial class UrialRemoteEngine
{
    /// <summary>Repair requests after an answer that left its grammar: one, as the dialect promises; a second failure is reported.</summary>
    private const int MaxRepairs = 1;

    /// <summary>The most structure (keys, punctuation) written into the prompt at once instead of being asked for.</summary>
    private const int MaxScaffoldLength = 4096;

    /// <summary>
    /// Decodes the constrained part of an answer without server-side constraints. The structure the grammar leaves no choice
    /// about (<see cref="GbnfMatcher.AcceptScaffold"/>) is written into the prompt; the server's text is accepted as long as it stays a prefix of the grammar's language, and the
    /// stream is left as soon as it does not. An answer that ends complete (at the last point it formed a whole sentence) is
    /// released whole; otherwise one repair request continues from the last accepted character, after the structure the
    /// grammar requires there. The constrained text is held back until it is valid, so a repair never shows twice.
    /// </summary>
    /// <exception cref="UrialRemoteEngineException">The repaired answer left the grammar too (HTTP status 200: the server answered, but not validly).</exception>
    private async IAsyncEnumerable<GenerationUpdate> DecodeValidatedAsync(ValidatedDecoding decoding, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var (http, dialect, request) = (decoding.Http, decoding.Dialect, decoding.Request);
        var matcher = GbnfMatcher.Create(request.Grammar!.Gbnf);
        var answer = new StringBuilder();
        var generated = 0;
        int? cached = decoding.CachedPromptTokens;
        GenerationFinishReason? finish = null;
        for (var attempt = 0; finish is null; attempt++)
        {
            answer.Append(matcher.AcceptScaffold(MaxScaffoldLength));
            if (matcher.IsFinished)
            {
                finish = GenerationFinishReason.Stop;
                break;
            }

            var prompt = decoding.Prompt + answer;
            var tokens = await dialect.TokenizeAsync(http, prompt, cancellationToken).ConfigureAwait(false);
            var promptCount = tokens?.Length ?? UpperBoundTokens(prompt);
            var remaining = Math.Min(decoding.Budget - decoding.UsedTokens - generated, decoding.Context - promptCount);
            if (remaining < 1)
            {
                finish = GenerationFinishReason.Length; // as under a constraining server: the budget ends the answer where it is
                break;
            }

            var outcome = new CompletionOutcome();
            var left = false;
            var call = new CompletionCall { Prompt = prompt, PromptTokens = tokens, MaxTokens = remaining, Sampling = request.Sampling };
            await foreach (var text in StreamAsync(http, dialect, call, outcome, cancellationToken).ConfigureAwait(false))
            {
                var accepted = matcher.Accept(text);
                answer.Append(text, 0, accepted);
                if (accepted < text.Length || matcher.IsFinished)
                {
                    left = accepted < text.Length;
                    break; // leaving the stream aborts it: the server stops generating
                }
            }

            CheckNotTruncated(outcome, promptCount, tokens is not null, http.Endpoint, decoding.Context);
            generated += outcome.OutputTokens ?? outcome.TextChunks;
            cached ??= Math.Min(outcome.CachedPromptTokens ?? 0, decoding.FirstPromptTokens);
            if (matcher.LastCompleteLength >= 0)
            {
                answer.Length = matcher.LastCompleteLength; // a whole sentence was written: what followed it is not part of the answer
                finish = GenerationFinishReason.Stop;
            }
            else if (!left && outcome.FinishReason == GenerationFinishReason.Length)
            {
                finish = GenerationFinishReason.Length; // the budget ran out inside the answer: no repair can fit
            }
            else if (attempt == MaxRepairs)
            {
                throw NotValid(http.Endpoint, answer.ToString(), left);
            }
            else
            {
                RemoteLog.RepairingAnswer(_logger, http.Endpoint.Address, answer.Length);
            }
        }

        yield return new GenerationUpdate
        {
            Text = answer.ToString(),
            FinishReason = finish,
            Usage = new GenerationUsage { PromptTokens = decoding.FirstPromptTokens, CachedPromptTokens = cached ?? 0, OutputTokens = decoding.UsedTokens + generated },
        };
    }

    private static UrialRemoteEngineException NotValid(RemoteEndpoint endpoint, string accepted, bool left)
    {
        var where = accepted.Length == 0 ? "from its first character" : $"after \"{(accepted.Length > 60 ? "…" + accepted[^60..] : accepted)}\"";
        var what = left ? $"left the grammar {where}" : $"stopped before the answer was complete, {where}";
        return new UrialRemoteEngineException(
            endpoint.Address,
            HttpStatusCode.OK,
            null,
            $"The server at {endpoint.Address} speaks plain OpenAI completions, which cannot constrain output to a grammar (tool calls, JSON output); " +
            $"its answer {what}, also after a repair request. Use llama-server or vLLM (Dialect LlamaCpp or Vllm) for answers that match by construction.");
    }

    /// <summary>What <see cref="DecodeValidatedAsync"/> needs: the prompt the constrained part continues, and what the request already used.</summary>
    /// <param name="Http">The replica's client.</param>
    /// <param name="Dialect">The replica's dialect.</param>
    /// <param name="Request">The request, with its grammar.</param>
    /// <param name="Prompt">The prompt the constrained part continues (after a trigger: the caller's prompt plus the text before it).</param>
    /// <param name="FirstPromptTokens">The tokens of the caller's prompt, reported as the request's prompt tokens.</param>
    /// <param name="CachedPromptTokens">The cached prompt tokens the first request reported, if one ran before.</param>
    /// <param name="UsedTokens">The output tokens already generated (the text before a trigger).</param>
    /// <param name="Budget">The request's output budget.</param>
    /// <param name="Context">The server's context size.</param>
    private sealed record ValidatedDecoding(
        RemoteHttp Http, RemoteDialect Dialect, GenerationRequest Request, string Prompt, int FirstPromptTokens, int? CachedPromptTokens, int UsedTokens, int Budget, int Context);
}
