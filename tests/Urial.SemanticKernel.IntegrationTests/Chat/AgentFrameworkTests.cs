using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;

namespace Urial.SemanticKernel.IntegrationTests.Chat;

/// <summary>An Agent Framework agent runs its AIFunction tools through the Urial client on the real model.</summary>
public sealed class AgentFrameworkTests
{
    [Fact]
    public async Task A_ChatClientAgent_invokes_its_tool_and_answers()
    {
        var token = TestContext.Current.CancellationToken;
        var invoked = 0;
        var tool = AIFunctionFactory.Create((string topic) => { invoked++; return $"A story about {topic}."; }, "Stories_Find", "Finds a story.");
        await using var client = UrialChatClient.FromModel(TestModel.Path);
        var agent = new ChatClientAgent(client, instructions: "Use the tools.", name: "urial", description: null, tools: [tool], loggerFactory: null, services: null);
        var session = await agent.CreateSessionAsync(token);
        var options = new ChatClientAgentRunOptions(new ChatOptions
        {
            ToolMode = ChatToolMode.RequireAny,
            MaxOutputTokens = 120,
            AdditionalProperties = new() { ["json_max_string_length"] = 12 },
        });

        var response = await agent.RunAsync("Find me a story.", session, options, token);

        Assert.True(invoked > 0, "the agent invoked its tool");
        Assert.Contains(response.Messages, m => m.Contents.OfType<FunctionResultContent>().Any());
    }
}
