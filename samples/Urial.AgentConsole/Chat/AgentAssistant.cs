using System.Runtime.CompilerServices;
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;

namespace Urial.AgentConsole.Chat;

/// <summary>Runs the model through an Agent Framework <see cref="ChatClientAgent"/>, whose session keeps the history.</summary>
internal sealed class AgentAssistant : IAssistant
{
    private readonly ChatClientAgent _agent;
    private readonly ChatClientAgentRunOptions _runOptions;
    private readonly IList<AITool> _tools;
    private AgentSession? _session;

    /// <summary>Initializes a new instance of the <see cref="AgentAssistant"/> class.</summary>
    /// <param name="chatClient">The Urial chat client pipeline (it already invokes functions, so the agent adds no second loop).</param>
    /// <param name="tools">The plugins' functions, bound to their kernel.</param>
    /// <param name="maxTokens">The most tokens per answer.</param>
    /// <param name="services">The services the tools may resolve.</param>
    public AgentAssistant(IChatClient chatClient, IList<AITool> tools, int maxTokens, IServiceProvider services)
    {
        _tools = tools;
        _agent = new ChatClientAgent(chatClient, instructions: null, name: "urial", description: "An untuned base model aligned in context by URIAL.", tools, loggerFactory: null, services);
        _runOptions = new ChatClientAgentRunOptions(new ChatOptions { MaxOutputTokens = maxTokens });
    }

    public string Runtime => "Agent Framework";

    public ChatOptions PromptOptions => new() { Tools = _tools };

    public async IAsyncEnumerable<AnswerUpdate> AskAsync(string question, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        _session ??= await _agent.CreateSessionAsync(cancellationToken);
        await foreach (var update in _agent.RunStreamingAsync(question, _session, _runOptions, cancellationToken))
        {
            yield return new AnswerUpdate(update.Text, update.Contents.OfType<UsageContent>().FirstOrDefault()?.Details);
        }
    }

    public async Task ResetAsync(CancellationToken cancellationToken) => _session = await _agent.CreateSessionAsync(cancellationToken);
}
