using System.ComponentModel;
using Microsoft.Extensions.AI;

namespace Urial.SemanticKernel.IntegrationTests.Chat;

/// <summary>Structured output decoded under a grammar built from the response type's JSON schema, on the real model.</summary>
public sealed class StructuredOutputTests(SharedChatClient fixture) : IClassFixture<SharedChatClient>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public sealed record Pet(string Name, [property: Description("years")] int Age, bool Friendly);

    public sealed record Story(string Title, Pet Hero, List<string> Places, List<Pet> Friends);

    [Fact]
    public async Task GetResponseAsync_of_a_record_with_nested_and_array_members_deserializes()
    {
        var response = await fixture.Client.GetResponseAsync<Story>("Tell me a story about a pet.", options: new ChatOptions { MaxOutputTokens = 600, Temperature = 0.7f, Seed = 5, AdditionalProperties = new() { ["json_max_string_length"] = 12, ["json_max_items"] = 3 } }, cancellationToken: Token);

        Assert.True(response.TryGetResult(out var story), response.Text);
        Assert.NotNull(story!.Hero);
        Assert.NotNull(story.Places);
        Assert.NotNull(story.Friends);
    }

    [Fact]
    public async Task Json_response_format_gives_a_json_object()
    {
        var response = await fixture.Client.GetResponseAsync("Describe a cat.", new ChatOptions { ResponseFormat = ChatResponseFormat.Json, MaxOutputTokens = 400, AdditionalProperties = new() { ["json_max_string_length"] = 12, ["json_max_items"] = 3 } }, Token);

        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        using var json = System.Text.Json.JsonDocument.Parse(response.Text);
        Assert.Equal(System.Text.Json.JsonValueKind.Object, json.RootElement.ValueKind);
    }

    [Fact]
    public async Task A_pattern_is_decoded_under_the_grammar()
    {
        var schema = System.Text.Json.JsonDocument.Parse("""{"type":"object","properties":{"code":{"type":"string","pattern":"^[A-Z]{2}-\\d{3}$"}},"required":["code"]}""").RootElement;

        var response = await fixture.Client.GetResponseAsync("Give a code.", new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(schema), MaxOutputTokens = 64 }, Token);

        using var json = System.Text.Json.JsonDocument.Parse(response.Text);
        Assert.Matches("^[A-Z]{2}-[0-9]{3}$", json.RootElement.GetProperty("code").GetString());
    }
}
