using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Urial.SemanticKernel.IntegrationTests.Hosting;

namespace Urial.SemanticKernel.IntegrationTests.Reliability;

/// <summary>The <c>drop_oldest_turns</c> policy: what is dropped, what never is, and how a host sets it as the default.</summary>
public sealed class ContextOverflowTests(FaultContext context) : IClassFixture<FaultContext>
{
    private static CancellationToken Token => FaultContext.Token;

    [Fact]
    public async Task Whole_oldest_exchanges_go_first_while_system_messages_and_the_turn_being_answered_stay()
    {
        var conversation = ToolConversation(exchanges: 30);
        var rendered = new Dictionary<string, IReadOnlyList<ChatMessage>>();
        string Render(IReadOnlyList<ChatMessage> kept)
        {
            var text = context.Client.Prompt.Render(kept, tools: null);
            rendered[text] = kept;
            return text;
        }

        var (prompt, dropped) = await ContextOverflowPolicy.FitAsync(context.Engine, conversation, Render, maxOutputTokens: 40, Token);
        var sent = rendered[prompt];

        Assert.True(dropped > 0);
        Assert.True(await context.Engine.CountTokensAsync(prompt, Token) <= context.Engine.ContextSize - 40);

        // Every system message stays, wherever it was.
        Assert.Equal(conversation.Where(m => m.Role == ChatRole.System), sent.Where(m => m.Role == ChatRole.System));

        // The rest is a suffix of the conversation that starts at a user message and ends with the turn being answered (its call and result too).
        var rest = sent.Where(m => m.Role != ChatRole.System).ToList();
        var original = conversation.Where(m => m.Role != ChatRole.System).ToList();
        Assert.Equal(original.Count - dropped, rest.Count);
        Assert.Equal(original[^rest.Count..], rest);
        Assert.Equal(ChatRole.User, rest[0].Role);
        Assert.Equal(conversation.TakeLast(3), sent.TakeLast(3));

        // No orphan: every result's call is still there.
        var calls = rest.SelectMany(m => m.Contents.OfType<FunctionCallContent>()).Select(c => c.CallId).ToHashSet();
        Assert.All(rest.SelectMany(m => m.Contents.OfType<FunctionResultContent>()), result => Assert.Contains(result.CallId, calls));
    }

    [Fact]
    public async Task A_conversation_that_fits_is_sent_whole_and_reports_nothing_dropped()
    {
        var options = new ChatOptions { MaxOutputTokens = 8, AdditionalProperties = new() { [UrialChatClient.ContextOverflowKey] = "DROP_OLDEST_TURNS" } };
        List<ChatMessage> conversation = [new(ChatRole.User, "Hi"), new(ChatRole.Assistant, "Hello!"), new(ChatRole.User, "Tell me a story.")];

        var updates = await context.Client.GetStreamingResponseAsync(conversation, options, Token).ToListAsync(Token);
        var withoutPolicy = await context.Client.GetResponseAsync(conversation, new ChatOptions { MaxOutputTokens = 8 }, Token);

        Assert.All(updates, u => Assert.False(u.AdditionalProperties?.ContainsKey(UrialChatClient.DroppedMessagesKey) ?? false));
        Assert.Equal(withoutPolicy.Text, updates.ToChatResponse().Text);
        Assert.Equal(withoutPolicy.Usage!.InputTokenCount, updates.ToChatResponse().Usage!.InputTokenCount);
    }

    [Fact]
    public async Task The_policy_works_through_the_engine_seam_with_any_engine_that_counts_tokens()
    {
        // An engine whose "tokens" are characters: the policy must use the engine's own count and context, nothing local.
        var prompt = UrialPrompt.FromText("# Query:\n```\nq\n```\n\n# Answer:\n```\na\n```\n");
        var oneExchange = prompt.Render([new ChatMessage(ChatRole.User, "Question number 1?")]).Length;
        await using var engine = new CharacterEngine(contextSize: oneExchange + 3 * 60 + 40);
        var client = new UrialChatClient(engine, prompt);
        List<ChatMessage> conversation = [];
        for (var i = 0; i < 6; i++)
        {
            conversation.Add(new ChatMessage(ChatRole.User, $"Question number {i}?"));
            conversation.Add(new ChatMessage(ChatRole.Assistant, $"Answer number {i}."));
        }

        conversation.Add(new ChatMessage(ChatRole.User, "Question number 6?"));
        var options = new ChatOptions { MaxOutputTokens = 32, AdditionalProperties = new() { [UrialChatClient.ContextOverflowKey] = UrialContextOverflow.DropOldestTurns } };

        var updates = await client.GetStreamingResponseAsync(conversation, options, Token).ToListAsync(Token);

        var sent = Assert.Single(engine.Prompts);
        Assert.True(sent.Length <= engine.ContextSize - 32, $"{sent.Length} characters sent to a {engine.ContextSize}-character context");
        var kept = prompt.Parse(sent);
        Assert.Equal("Question number 6?", kept[^1].Text);
        Assert.True(kept.Count < conversation.Count, "older turns were dropped");
        Assert.Equal(conversation.Count - kept.Count, updates[^1].AdditionalProperties![UrialChatClient.DroppedMessagesKey]);
    }

    [Fact]
    public async Task A_host_can_make_dropping_the_default_and_a_request_can_still_choose_error()
    {
        using var host = TestHost.Build(
            new Dictionary<string, string?>
            {
                ["Urial:ModelPath"] = TestModel.Path,
                ["Urial:ContextSize"] = (context.PrefixTokens + FaultContext.Room).ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Urial:ContextOverflow"] = "DropOldestTurns",
            },
            (services, configuration) => services.AddUrialChatClient(configuration.GetSection("Urial")));
        await host.StartAsync(Token);
        var client = host.Services.GetRequiredService<IChatClient>();
        var conversation = FaultMatrix.LongConversation(context);

        var answered = await client.GetResponseAsync(conversation, new ChatOptions { MaxOutputTokens = 8 }, Token);
        var refused = await Assert.ThrowsAsync<UrialContextLengthExceededException>(() => client.GetResponseAsync(
            conversation, new ChatOptions { MaxOutputTokens = 8, AdditionalProperties = new() { [UrialChatClient.ContextOverflowKey] = "error" } }, Token));
        await host.StopAsync(Token);

        Assert.NotNull(answered.FinishReason);
        Assert.Contains("ContextSize", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_configured_policy_fails_the_host_start_by_name()
    {
        var error = await TestHost.StartFailure(new Dictionary<string, string?> { ["Urial:ModelPath"] = TestModel.Path, ["Urial:ContextOverflow"] = "truncate" });

        Assert.Contains("Urial:ContextOverflow", error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(UrialContextOverflow), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_undefined_policy_set_in_code_fails_the_host_start_by_name()
    {
        using var host = TestHost.Build(
            new Dictionary<string, string?>(),
            (services, _) => services.AddUrialChatClient(options =>
            {
                options.ModelPath = TestModel.Path;
                options.ContextOverflow = (UrialContextOverflow)7;
            }));

        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => host.StartAsync(Token));

        Assert.Contains("ContextOverflow is 7; use Error or DropOldestTurns.", error.Message, StringComparison.Ordinal);
    }

    /// <summary>System, then per exchange a question, a call, its result and an answer; an instruction midway; then the turn being answered: a question, its call and the result.</summary>
    private static List<ChatMessage> ToolConversation(int exchanges)
    {
        List<ChatMessage> conversation = [new(ChatRole.System, "Be kind.")];
        for (var i = 0; i < exchanges; i++)
        {
            if (i == exchanges / 2)
            {
                conversation.Add(new ChatMessage(ChatRole.System, "Answer briefly."));
            }

            conversation.Add(new ChatMessage(ChatRole.User, $"How many cats live in house number {i}?"));
            conversation.Add(new ChatMessage(ChatRole.Assistant, [new FunctionCallContent($"call-{i}", "count_cats", new Dictionary<string, object?> { ["house"] = i })]));
            conversation.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent($"call-{i}", $"{i % 4} cats live there.")]));
            conversation.Add(new ChatMessage(ChatRole.Assistant, $"There are {i % 4} cats in house number {i}."));
        }

        conversation.Add(new ChatMessage(ChatRole.User, "And in the last house?"));
        conversation.Add(new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("call-last", "count_cats", new Dictionary<string, object?> { ["house"] = 99 })]));
        conversation.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent("call-last", "2 cats live there.")]));
        return conversation;
    }

    /// <summary>A test double behind the engine seam: one character is one token; it records the prompts it is given.</summary>
    private sealed class CharacterEngine(int contextSize) : IUrialEngine
    {
        public List<string> Prompts { get; } = [];

        public string ModelId => "characters";

        public int ContextSize => contextSize;

        public Task WarmUpAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

        public ValueTask<int> CountTokensAsync(string text, CancellationToken cancellationToken = default) => ValueTask.FromResult(text.Length);

        public UrialEngineHealth GetHealth() => new() { Status = UrialEngineStatus.Healthy };

        public async IAsyncEnumerable<GenerationUpdate> GenerateAsync(GenerationRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            Prompts.Add(request.Prompt);
            await Task.Yield();
            yield return new GenerationUpdate { Text = "ok", FinishReason = GenerationFinishReason.Stop, Usage = new GenerationUsage { PromptTokens = request.Prompt.Length, OutputTokens = 1 } };
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;

        public void Dispose()
        {
        }
    }
}
