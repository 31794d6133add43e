using Microsoft.Extensions.AI;
using Urial.SemanticKernel;

namespace Urial.Cli;

/// <summary>A local GGUF judge behind <see cref="UrialChatClient"/>: its answer is decoded under the grammar of the schema, so it is JSON by construction.</summary>
internal sealed class LocalJudge : IJudge
{
    private readonly UrialChatClient _client;
    private readonly ChatOptions _options;

    public LocalJudge(string path, ModelSettings settings, int maxTokens, int rationaleChars)
    {
        ModelFiles.Validate(path);
        NativeLog.Silence();
        Name = "local:" + Path.GetFileName(path);
        _client = UrialChatClient.FromModel(path, configure: settings.Apply);
        _options = new ChatOptions
        {
            Temperature = 0,
            MaxOutputTokens = maxTokens,
            ResponseFormat = ChatResponseFormat.ForJsonSchema(JudgeRubric.Schema(rationaleChars), "judgment", "Scores 1-5 on six aspects"),
        };
    }

    public string Name { get; }

    public async Task<string> JudgeAsync(string instruction, string answer, CancellationToken cancellationToken)
    {
        ChatMessage[] messages =
        [
            new(ChatRole.System, JudgeRubric.SystemText),
            new(ChatRole.User, JudgeRubric.UserText(instruction, answer)),
        ];
        var response = await _client.GetResponseAsync(messages, _options, cancellationToken);
        return response.Text;
    }

    public ValueTask DisposeAsync() => _client.DisposeAsync();
}
