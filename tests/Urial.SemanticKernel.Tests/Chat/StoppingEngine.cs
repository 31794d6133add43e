using System.Runtime.CompilerServices;

namespace Urial.SemanticKernel.Tests.Chat;

/// <summary>
/// A test double behind the engine seam that "generates" fixed pieces of text, passing them through the library's own
/// <see cref="StopSequenceMatcher"/> exactly as both real engines do (append each piece, release what it releases, cut at a
/// stop, finish at the end): the chat client and the matcher under test are the real ones, only the model is scripted.
/// </summary>
internal sealed class StoppingEngine(IReadOnlyList<string> pieces, GenerationFinishReason endReason = GenerationFinishReason.Stop) : IUrialEngine
{
    public List<GenerationRequest> Requests { get; } = [];

    public string ModelId => "scripted";

    public int ContextSize => 4096;

    public Task WarmUpAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public ValueTask<int> CountTokensAsync(string text, CancellationToken cancellationToken = default) => ValueTask.FromResult(text.Length);

    public UrialEngineHealth GetHealth() => new() { Status = UrialEngineStatus.Healthy };

    public async IAsyncEnumerable<GenerationUpdate> GenerateAsync(GenerationRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Requests.Add(request);
        var matcher = new StopSequenceMatcher(request.StopSequences, request.Grammar?.Trigger);
        var output = 0;
        foreach (var piece in pieces)
        {
            await Task.Yield();
            output++;
            var released = matcher.Append(piece);
            if (released.Length > 0)
            {
                yield return new GenerationUpdate { Text = released };
            }

            if (matcher.Stopped)
            {
                yield return Final(string.Empty, GenerationFinishReason.Stop, request, output);
                yield break;
            }
        }

        var tail = matcher.Finish();
        yield return Final(tail, matcher.Stopped ? GenerationFinishReason.Stop : endReason, request, output);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public void Dispose()
    {
    }

    private static GenerationUpdate Final(string text, GenerationFinishReason reason, GenerationRequest request, int output) =>
        new() { Text = text, FinishReason = reason, Usage = new GenerationUsage { PromptTokens = request.Prompt.Length, OutputTokens = output } };
}
