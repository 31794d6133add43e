using Microsoft.Extensions.AI;

namespace Urial.SemanticKernel.IntegrationTests.Reliability;

/// <summary>
/// Requests and token counts racing with DisposeAsync: callers tokenize on their own threads with the engine's weights,
/// which the loop frees on shutdown. Every call must end with a result or ObjectDisposedException — the process must not die.
/// </summary>
/// <remarks>
/// Before the fix this killed the test process with SIGSEGV (exit 139) within a second: UrialEngine.Tokenize used the
/// weights on the caller's thread while the loop's Shutdown freed them. Tokenization now holds a reference on the model handle.
/// </remarks>
public sealed class DisposeRaceTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Requests_and_token_counts_racing_with_dispose_end_cleanly()
    {
        for (var round = 0; round < 40; round++)
        {
            var client = UrialChatClient.FromModel(TestModel.Path, configure: o => o.CachedPrefix = null);
            var engine = (UrialEngine)client.Engine;
            await engine.WarmUpAsync(Token);
            using var stop = new CancellationTokenSource();
            var text = string.Concat(Enumerable.Repeat("Once upon a time there was a little cat. ", 200));

            // The dispose comes after 0 to 4 finished calls: at a different point of the callers' work each round.
            var disposeAfter = round % 5;
            var finished = 0;
            var disposeNow = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (disposeAfter == 0)
            {
                disposeNow.TrySetResult();
            }

            var callers = Enumerable.Range(0, 4).Select(i => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    try
                    {
                        if (i % 2 == 0)
                        {
                            await engine.CountTokensAsync(text, Token);
                        }
                        else
                        {
                            await client.GetResponseAsync("Hi", new ChatOptions { MaxOutputTokens = 1 }, Token);
                        }

                        if (Interlocked.Increment(ref finished) == disposeAfter)
                        {
                            disposeNow.TrySetResult();
                        }
                    }
                    catch (ObjectDisposedException)
                    {
                        return;
                    }
                }
            }, Token)).ToArray();

            await disposeNow.Task.FailIfHung("the callers' first calls");
            await client.DisposeAsync().FailIfHung("disposing");
            await stop.CancelAsync();
            await Task.WhenAll(callers).FailIfHung("the callers");
        }
    }
}
