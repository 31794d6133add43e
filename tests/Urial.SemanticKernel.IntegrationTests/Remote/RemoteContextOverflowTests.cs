using Microsoft.Extensions.AI;

namespace Urial.SemanticKernel.IntegrationTests.Remote;

/// <summary>The <c>drop_oldest_turns</c> policy over a server: it counts with the server's tokenizer and fits its slot context.</summary>
public sealed class RemoteContextOverflowTests
{
    private const int SlotContext = 4096; // the URIAL prompt alone takes about 2,770 of stories260K's tokens

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_conversation_longer_than_the_servers_slot_drops_its_oldest_exchanges_and_is_answered()
    {
        await using var server = await LlamaServer.StartAsync(contextPerSlot: SlotContext, slots: 1, cancellationToken: Token);
        await using var client = UrialChatClient.FromServer(new UrialRemoteEngineOptions { Endpoints = { server.Address } });
        List<ChatMessage> conversation = [];
        for (var i = 0; i < 24; i++)
        {
            conversation.Add(new ChatMessage(ChatRole.User, $"Tell me about the {i}th dog in the park, the one with the red ball."));
            conversation.Add(new ChatMessage(ChatRole.Assistant, "The dog ran to the big tree and played with the ball all day long, and then it went home."));
        }

        conversation.Add(new ChatMessage(ChatRole.User, "And the cat?"));
        Assert.True(await client.Engine.CountTokensAsync(client.RenderPrompt(conversation), Token) > SlotContext, "the whole conversation must not fit");
        var options = new ChatOptions { MaxOutputTokens = 16, AdditionalProperties = new() { [UrialChatClient.ContextOverflowKey] = "drop_oldest_turns" } };

        var updates = await client.GetStreamingResponseAsync(conversation, options, Token).ToListAsync(Token);
        var response = updates.ToChatResponse();

        var dropped = Assert.IsType<int>(updates[^1].AdditionalProperties?[UrialChatClient.DroppedMessagesKey]);
        Assert.True(dropped > 0 && dropped % 2 == 0, $"whole exchanges are dropped: {dropped}");
        Assert.InRange(response.Usage!.InputTokenCount!.Value, 1, SlotContext - 16); // counted by the server's tokenizer, and it fits
        Assert.NotNull(response.FinishReason);
    }
}
