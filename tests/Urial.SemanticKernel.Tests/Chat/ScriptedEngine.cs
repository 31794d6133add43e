using System.Runtime.CompilerServices;

namespace Urial.SemanticKernel.Tests.Chat;

/// <summary>A test double of <see cref="IUrialEngine"/> that streams fixed pieces of text and records the requests it got.</summary>
internal sealed class ScriptedEngine(GenerationFinishReason finish, params string[] pieces) : IUrialEngine
{
    public List<GenerationRequest> Requests { get; } = [];

    public string ModelId => "scripted";

    public int ContextSize => 4096;

    public Task WarmUpAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public ValueTask<int> CountTokensAsync(string text, CancellationToken cancellationToken = default) => ValueTask.FromResult(text.Length);

    public UrialEngineHealth GetHealth() => new() { Status = UrialEngineStatus.Healthy, Description = "scripted" };

    public async IAsyncEnumerable<GenerationUpdate> GenerateAsync(GenerationRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Requests.Add(request);
        await Task.Yield();
        for (var i = 0; i < pieces.Length; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return i < pieces.Length - 1
                ? new GenerationUpdate { Text = pieces[i] }
                : new GenerationUpdate { Text = pieces[i], FinishReason = finish, Usage = new GenerationUsage { PromptTokens = 10, OutputTokens = pieces.Length } };
        }
    }

    public void Dispose()
    {
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
