using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;

namespace Urial.SemanticKernel;

/// <content>One request: the replica order, fail-over before the answer starts, and the completion itself on one replica.</content>
public sealed partial class UrialRemoteEngine
{
    /// <inheritdoc/>
    /// <exception cref="UrialRemoteEngineException">Every replica failed before the answer started, or the server failed after it started; the message names the endpoint, status and server message.</exception>
    public async IAsyncEnumerable<GenerationUpdate> GenerateAsync(GenerationRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        request.Validate(); // includes GbnfChecker: llama-server ignores an invalid grammar silently and aborts on some
        cancellationToken.ThrowIfCancellationRequested();
        await WarmUpAsync(cancellationToken).ConfigureAwait(false);
        CheckLength(request.Prompt.Length);
        if (Interlocked.Increment(ref _inFlight) > _settings.MaxInFlightRequests)
        {
            Interlocked.Decrement(ref _inFlight);
            throw new UrialCapacityExceededException($"The remote engine has {_settings.MaxInFlightRequests} requests in flight. Retry later, or raise MaxInFlightRequests.");
        }

        try
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _shutdown.Token);
            ProbeDownReplicas();
            var order = _router.Order(request.ConversationKey ?? request.Prompt);
            var failures = new List<UrialRemoteEngineException>();
            foreach (var replica in order)
            {
                var started = false;
                var attempt = RunAsync(replica, request, linked.Token).GetAsyncEnumerator(linked.Token);
                try
                {
                    while (true)
                    {
                        var (hasNext, failover) = await MoveNextAsync(attempt, replica, started, cancellationToken).ConfigureAwait(false);
                        if (failover is not null)
                        {
                            failures.Add(failover);
                            break;
                        }

                        if (!hasNext)
                        {
                            yield break;
                        }

                        started = true;
                        yield return attempt.Current;
                    }
                }
                finally
                {
                    await attempt.DisposeAsync().ConfigureAwait(false);
                }

                if (failures.Count < order.Length)
                {
                    Interlocked.Increment(ref _faultCount);
                    RemoteLog.FailingOver(_logger, replica.Endpoint.Address, order[failures.Count].Endpoint.Address, failures[^1]);
                }
            }

            throw failures.Count == 1
                ? failures[0]
                : new UrialRemoteEngineException($"Every server failed this request before its answer started: {string.Join(" ", failures.Select(f => f.Message))}", failures[^1]);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    /// <summary>Advances an attempt; a failure another replica may not have, before anything was returned, is handed back for fail-over.</summary>
    private async ValueTask<(bool HasNext, UrialRemoteEngineException? Failover)> MoveNextAsync(
        IAsyncEnumerator<GenerationUpdate> attempt, Replica replica, bool started, CancellationToken callerToken)
    {
        try
        {
            return (await attempt.MoveNextAsync().ConfigureAwait(false), null);
        }
        catch (UrialRemoteEngineException ex) when (IsFailover(ex))
        {
            MarkDown(replica, ex);
            if (started)
            {
                throw; // part of the answer is out: repeating it elsewhere would duplicate it
            }

            return (false, ex);
        }
        catch (OperationCanceledException) when (_shutdown.IsCancellationRequested && !callerToken.IsCancellationRequested)
        {
            throw new ObjectDisposedException(nameof(UrialRemoteEngine), "The Urial remote engine was disposed while this request was in flight.");
        }
    }

    /// <summary>The whole request on one replica: count the prompt, stream the answer through the stop matcher, continue under the grammar at its trigger.</summary>
    private async IAsyncEnumerable<GenerationUpdate> RunAsync(Replica replica, GenerationRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var lease = replica.Acquire();
        var (http, info, dialect) = await ConnectAsync(replica, cancellationToken).ConfigureAwait(false);
        Activity.Current?.SetTag("server.address", replica.Endpoint.Host).SetTag("server.port", replica.Endpoint.Port);
        var context = _settings.ContextSize ?? info.ContextSize ?? ContextSize;
        var prompt = ControlTokenGuard.Neutralize(request.Prompt, info.ControlTokenTexts);
        var tokens = await dialect.TokenizeAsync(http, prompt, cancellationToken).ConfigureAwait(false);
        var promptCount = tokens?.Length ?? UpperBoundTokens(prompt);
        var budget = OutputBudget(promptCount, request.MaxOutputTokens, context, http.Endpoint);
        var grammar = request.Grammar;
        if (grammar is { Trigger: null } && !dialect.ConstrainsGrammar)
        {
            // The whole answer is constrained, and the server cannot do it: decode, validate, repair once.
            var whole = new ValidatedDecoding(http, dialect, request, prompt, promptCount, null, 0, budget, context);
            await foreach (var update in DecodeValidatedAsync(whole, cancellationToken).ConfigureAwait(false))
            {
                yield return update;
            }

            yield break;
        }

        var trigger = grammar?.Trigger;
        var call = new CompletionCall
        {
            Prompt = prompt,
            PromptTokens = tokens,
            MaxTokens = budget,
            Sampling = request.Sampling,
            // The trigger is a server-side stop only where the server says which stop it hit: the matcher must see it.
            Stops = trigger is not null && dialect.ReportsStopWord ? [.. request.StopSequences, trigger] : request.StopSequences,
            Grammar = grammar is { Trigger: null } ? grammar.Gbnf : null,
        };
        var matcher = new StopSequenceMatcher(request.StopSequences, trigger);
        var released = new StringBuilder();
        var outcome = new CompletionOutcome();
        await foreach (var text in StreamAsync(http, dialect, call, outcome, cancellationToken).ConfigureAwait(false))
        {
            var release = matcher.Append(text);
            if (release.Length > 0)
            {
                released.Append(release);
                yield return new GenerationUpdate { Text = release };
            }

            if (matcher.Stopped || matcher.Triggered)
            {
                break; // leaving the stream aborts it: the server stops generating
            }
        }

        if (!matcher.Stopped && !matcher.Triggered && outcome.StopWord is { } stopWord)
        {
            // The server cut its stop sequence off: the matcher decides what it was (a stop, or the trigger) and releases what it held before it.
            var release = matcher.Append(stopWord);
            if (release.Length > 0)
            {
                released.Append(release);
                yield return new GenerationUpdate { Text = release };
            }
        }

        CheckNotTruncated(outcome, promptCount, tokens is not null, http.Endpoint, context);
        if (matcher.Triggered)
        {
            var continuation = new TriggeredContinuation(http, dialect, request, prompt + released, promptCount, budget, context, outcome);
            await foreach (var update in ContinueUnderGrammarAsync(continuation, cancellationToken).ConfigureAwait(false))
            {
                yield return update;
            }

            yield break;
        }

        yield return new GenerationUpdate
        {
            Text = matcher.Finish(),
            FinishReason = matcher.Stopped ? GenerationFinishReason.Stop : outcome.FinishReason ?? GenerationFinishReason.Stop,
            Usage = new GenerationUsage
            {
                PromptTokens = outcome.PromptTokens ?? promptCount,
                CachedPromptTokens = outcome.CachedPromptTokens ?? 0,
                OutputTokens = outcome.OutputTokens ?? outcome.TextChunks,
            },
        };
    }

    /// <summary>
    /// The model wrote the grammar's trigger: continue with a second request whose prompt is the first one plus the text before
    /// the trigger, under the whole grammar (whose language starts with the trigger). The server's prefix cache makes the
    /// repeated prompt cheap; no lazy grammar is ever sent. A server that cannot constrain output decodes the continuation
    /// freely and it is validated instead (<see cref="DecodeValidatedAsync"/>).
    /// </summary>
    private async IAsyncEnumerable<GenerationUpdate> ContinueUnderGrammarAsync(TriggeredContinuation first, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var (http, dialect, request) = (first.Http, first.Dialect, first.Request);
        var tokens = await dialect.TokenizeAsync(http, first.Prompt, cancellationToken).ConfigureAwait(false);
        var promptCount = tokens?.Length ?? UpperBoundTokens(first.Prompt);
        var used = Math.Max(0, promptCount - first.PromptTokens); // the tokens of the text before the trigger
        if (!dialect.ConstrainsGrammar)
        {
            var call = new ValidatedDecoding(http, dialect, request, first.Prompt, first.PromptTokens, first.Outcome.CachedPromptTokens, used, first.Budget, first.Context);
            await foreach (var update in DecodeValidatedAsync(call, cancellationToken).ConfigureAwait(false))
            {
                yield return update;
            }

            yield break;
        }

        var remaining = Math.Min(first.Budget - used, first.Context - promptCount);
        var outcome = new CompletionOutcome();
        if (remaining >= 1)
        {
            var call = new CompletionCall { Prompt = first.Prompt, PromptTokens = tokens, MaxTokens = remaining, Sampling = request.Sampling, Grammar = request.Grammar!.Gbnf };
            await foreach (var text in StreamAsync(http, dialect, call, outcome, cancellationToken).ConfigureAwait(false))
            {
                yield return new GenerationUpdate { Text = text }; // constrained text: stop sequences no longer apply, as in the local engine
            }

            CheckNotTruncated(outcome, promptCount, tokens is not null, http.Endpoint, first.Context);
        }

        yield return new GenerationUpdate
        {
            FinishReason = remaining >= 1 ? outcome.FinishReason ?? GenerationFinishReason.Stop : GenerationFinishReason.Length,
            Usage = new GenerationUsage
            {
                PromptTokens = first.PromptTokens,
                CachedPromptTokens = first.Outcome.CachedPromptTokens ?? Math.Min(outcome.CachedPromptTokens ?? 0, first.PromptTokens),
                OutputTokens = used + (outcome.OutputTokens ?? outcome.TextChunks),
            },
        };
    }

    /// <summary>Validates the prompt's size against the server's context before anything is generated, and caps the output budget (the local engine's rule).</summary>
    private int OutputBudget(int promptTokens, int? requested, int context, RemoteEndpoint endpoint)
    {
        var room = context - promptTokens;
        if (room < 1)
        {
            throw new UrialContextLengthExceededException(
                $"The prompt has {promptTokens} tokens but a request to {endpoint.Address} may take {context}. " +
                "Shorten the conversation, or give the server a larger context (llama-server: -c divided by -np slots; vLLM: --max-model-len).");
        }

        if (requested is { } wanted && wanted > room)
        {
            throw new UrialContextLengthExceededException(
                $"The prompt has {promptTokens} tokens and asks for up to {wanted} output tokens, but a request to {endpoint.Address} may take {context}. " +
                $"Lower MaxOutputTokens to at most {room}, shorten the conversation, or give the server a larger context.");
        }

        return Math.Min(requested ?? _settings.DefaultMaxOutputTokens, room);
    }

    /// <summary>llama-server drops the middle of a prompt longer than its slot instead of failing: never accept such an answer.</summary>
    private static void CheckNotTruncated(CompletionOutcome outcome, int promptTokens, bool exactCount, RemoteEndpoint endpoint, int context)
    {
        if (outcome.Truncated || (exactCount && outcome.PromptTokens is { } evaluated && evaluated < promptTokens))
        {
            throw new UrialContextLengthExceededException(
                $"The server at {endpoint.Address} dropped part of the {promptTokens}-token prompt to fit its context; its answer was discarded. " +
                $"Shorten the conversation, or give every slot of the server at least {context} tokens.");
        }
    }

    /// <summary>What the second request of a triggered grammar needs from the first.</summary>
    private sealed record TriggeredContinuation(
        RemoteHttp Http, RemoteDialect Dialect, GenerationRequest Request, string Prompt, int PromptTokens, int Budget, int Context, CompletionOutcome Outcome);
}
