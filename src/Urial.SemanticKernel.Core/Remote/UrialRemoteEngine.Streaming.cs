using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Urial.SemanticKernel;

/// <content>Reading one streamed completion: every way a stream can break becomes an exception that names the server.</content>
public sealed partial class UrialRemoteEngine
{
    /// <summary>After the final chunk, at most this many events are read to reach the end of the body, so the connection can be reused.</summary>
    private const int MaxTrailingEvents = 8;

    /// <summary>Streams a completion's text; the outcome is complete when the enumeration ends normally.</summary>
    /// <exception cref="UrialRemoteEngineException">The stream broke, stalled, ended early or carried an unreadable chunk.</exception>
    private async IAsyncEnumerable<string> StreamAsync(RemoteHttp http, RemoteDialect dialect, CompletionCall call, CompletionOutcome outcome, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var response = await http.PostStreamingAsync(dialect.CompletionPath, dialect.Body(call), cancellationToken).ConfigureAwait(false);
        Stream stream;
        try
        {
            stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            throw http.StreamFailed("broke off its answer", ex);
        }

        await using (stream.ConfigureAwait(false))
        {
            var events = SseReader.ReadAsync(stream, _settings.StreamIdleTimeout, cancellationToken).GetAsyncEnumerator(cancellationToken);
            try
            {
                while (await ReadNextAsync(events, dialect, outcome, http).ConfigureAwait(false) is { } text)
                {
                    if (text.Length > 0)
                    {
                        outcome.TextChunks++;
                        yield return text;
                    }

                    if (outcome.Completed)
                    {
                        for (var i = 0; i < MaxTrailingEvents && await events.MoveNextAsync().ConfigureAwait(false); i++)
                        {
                            // Trailing events (vLLM's usage chunk comes before [DONE]; llama.cpp sends none): read to the body's end.
                        }

                        yield break;
                    }
                }
            }
            finally
            {
                await events.DisposeAsync().ConfigureAwait(false);
            }
        }

        throw http.StreamFailed("ended its stream before the answer was complete (truncated)");
    }

    /// <summary>Reads the next event's text, or <see langword="null"/> at the end of the stream.</summary>
    private static async ValueTask<string?> ReadNextAsync(IAsyncEnumerator<(string Field, string Value)> events, RemoteDialect dialect, CompletionOutcome outcome, RemoteHttp http)
    {
        try
        {
            return await events.MoveNextAsync().ConfigureAwait(false) ? dialect.Read(events.Current.Field, events.Current.Value, outcome, http) : null;
        }
        catch (Exception ex) when (ex is JsonException or FormatException or KeyNotFoundException || (ex is InvalidOperationException && ex is not ObjectDisposedException))
        {
            throw http.StreamFailed("sent a malformed chunk", ex);
        }
        catch (TimeoutException ex)
        {
            throw http.StreamFailed("stalled in the middle of its answer", ex);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or InvalidDataException)
        {
            throw http.StreamFailed("broke off its answer", ex);
        }
    }
}
