using Microsoft.Extensions.AI;

namespace Urial.SemanticKernel.IntegrationTests.Remote;

/// <summary>Prefix-aware routing and fail-over across two real llama-server replicas.</summary>
public sealed class RoutingTests(TwoReplicas replicas) : IClassFixture<TwoReplicas>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static readonly ChatOptions Short = new() { MaxOutputTokens = 8 };

    private UrialChatClient Client(bool affinity = true)
    {
        var options = FaultProxyTests.Options([.. replicas.Proxies.Select(p => p.Address)]);
        options.PrefixAffinity = affinity;
        return UrialChatClient.FromServer(options);
    }

    [Fact]
    public async Task Every_turn_of_a_conversation_goes_to_the_replica_that_caches_its_prefix()
    {
        await using var client = Client();
        var used = new HashSet<int>();
        foreach (var topic in new[] { "a dog", "a cat", "a frog", "a bird", "a fish", "a bear" })
        {
            List<ChatMessage> history = [new(ChatRole.User, $"Tell me about {topic}.")];
            int? replica = null;
            long previousInput = 0;
            for (var turn = 0; turn < 3; turn++)
            {
                var before = replicas.CompletionCounts();
                var response = await client.GetResponseAsync(history, Short, Token);
                var target = Target(before);
                replica ??= target;
                Assert.Equal(replica, target);
                if (turn > 0)
                {
                    // The replica still holds the previous turn: its whole prompt comes from the server's cache.
                    Assert.True(response.Usage!.CachedInputTokenCount >= previousInput - 2, $"turn {turn} of {topic}: {response.Usage.CachedInputTokenCount} cached of {response.Usage.InputTokenCount}, previous prompt {previousInput}");
                }

                previousInput = response.Usage!.InputTokenCount!.Value;
                history.AddRange(response.Messages);
                history.Add(new ChatMessage(ChatRole.User, "And then?"));
            }

            used.Add(replica!.Value);
        }

        Assert.Equal(2, used.Count); // conversations spread over both replicas
    }

    [Fact]
    public async Task Without_affinity_the_turns_of_a_conversation_alternate_between_idle_replicas()
    {
        await using var client = Client(affinity: false);
        List<ChatMessage> history = [new(ChatRole.User, "Tell me about a horse.")];
        var targets = new List<int>();
        for (var turn = 0; turn < 4; turn++)
        {
            var before = replicas.CompletionCounts();
            var response = await client.GetResponseAsync(history, Short, Token);
            targets.Add(Target(before));
            history.AddRange(response.Messages);
            history.Add(new ChatMessage(ChatRole.User, "And then?"));
        }

        Assert.Equal(2, targets.Distinct().Count());
    }

    [Fact]
    public async Task A_replica_that_fails_before_the_answer_starts_is_failed_over_and_the_answer_is_whole()
    {
        await using var client = Client();
        var question = await QuestionRoutedToAsync(client, replica: 0);
        var reference = await client.GetResponseAsync(question, Short, Token);
        replicas.Proxies[0].EventsBeforeFault = 0;
        replicas.Proxies[0].Plan(ProxyFault.TruncateStream);
        var before = replicas.CompletionCounts();

        var response = await client.GetResponseAsync(question, Short, Token);

        Assert.Equal(reference.Text, response.Text);
        Assert.Equal([before[0] + 1, before[1] + 1], replicas.CompletionCounts());
        var health = client.Engine.GetHealth();
        Assert.Equal(UrialEngineStatus.Degraded, health.Status);
        Assert.Contains(replicas.Proxies[0].Address.ToString(), health.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Requests_keep_being_answered_when_a_replica_dies_and_fail_clearly_when_none_is_left()
    {
        await using var first = await LlamaServer.StartAsync(slots: 1, cancellationToken: Token);
        await using var second = await LlamaServer.StartAsync(slots: 1, cancellationToken: Token);
        await using var client = UrialChatClient.FromServer(FaultProxyTests.Options(first.Address, second.Address));
        await client.Engine.WarmUpAsync(Token);
        await first.KillAsync();

        foreach (var topic in new[] { "a dog", "a cat", "a frog", "a bird", "a fish", "a bear" })
        {
            var response = await client.GetResponseAsync($"Tell me about {topic}.", Short, Token);
            Assert.NotNull(response.FinishReason);
        }

        Assert.Equal(UrialEngineStatus.Degraded, client.Engine.GetHealth().Status);
        await second.KillAsync();
        var error = await Assert.ThrowsAsync<UrialRemoteEngineException>(() => client.GetResponseAsync("Tell me about a dog.", Short, Token));
        Assert.Contains(first.Address.ToString(), error.Message, StringComparison.Ordinal);
        Assert.Contains(second.Address.ToString(), error.Message, StringComparison.Ordinal);
        Assert.Equal(UrialEngineStatus.Unhealthy, client.Engine.GetHealth().Status);
    }

    [Fact]
    public async Task Cancelling_a_request_stops_the_generation_on_the_server()
    {
        var server = replicas.Servers[1];
        await using var engine = new UrialRemoteEngine(FaultProxyTests.Options(server.Address));
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var request = new GenerationRequest("Once upon a time") { MaxOutputTokens = 4000, Sampling = SamplingParameters.Default with { RepetitionPenalty = 1f } };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in engine.GenerateAsync(request, cts.Token))
            {
                await cts.CancelAsync(); // after the first text: the server is generating
            }
        });

        // Wait on the server's own state: the slot goes idle with its generation unfinished (has_next_token still set).
        IReadOnlyList<(bool Processing, bool HasNextToken, int Decoded)> slots;
        do
        {
            await Task.Delay(10, Token);
            slots = await server.SlotsAsync(Token);
        }
        while (slots.Any(s => s.Processing));

        Assert.Contains(slots, s => s.HasNextToken && s.Decoded is > 0 and < 4000);
    }

    /// <summary>Gets the replica that received a completion request since <paramref name="before"/>.</summary>
    private int Target(int[] before)
    {
        var now = replicas.CompletionCounts();
        return Enumerable.Range(0, now.Length).Single(i => now[i] > before[i]);
    }

    /// <summary>Finds a question whose conversation the router sends to <paramref name="replica"/> first.</summary>
    private async Task<string> QuestionRoutedToAsync(UrialChatClient client, int replica)
    {
        foreach (var topic in new[] { "a dog", "a cat", "a frog", "a bird", "a fish", "a bear", "a lion", "a duck" })
        {
            var before = replicas.CompletionCounts();
            await client.GetResponseAsync($"Tell me about {topic}.", Short, Token);
            if (replicas.CompletionCounts()[replica] > before[replica])
            {
                return $"Tell me about {topic}.";
            }
        }

        throw new InvalidOperationException("no question was routed to that replica");
    }
}
