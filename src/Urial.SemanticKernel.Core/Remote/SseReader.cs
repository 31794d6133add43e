using System.Runtime.CompilerServices;
using System.Text;

namespace Urial.SemanticKernel;

/// <summary>Reads server-sent events (<c>data:</c> and <c>error:</c> lines) from a response stream, one event per line as llama.cpp and vLLM send them.</summary>
internal static class SseReader
{
    /// <summary>The longest line accepted: a completion chunk is a few hundred bytes; a runaway line is a broken server.</summary>
    private const int MaxLineLength = 4 * 1024 * 1024;

    /// <summary>Yields each event's field name (<c>data</c> or <c>error</c>) and value; comments and blank lines are skipped.</summary>
    /// <exception cref="TimeoutException">No line arrived within <paramref name="idleTimeout"/>.</exception>
    /// <exception cref="InvalidDataException">A line is longer than 4 MiB.</exception>
    public static async IAsyncEnumerable<(string Field, string Value)> ReadAsync(Stream stream, TimeSpan idleTimeout, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, bufferSize: 4096, leaveOpen: true);
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        while (true)
        {
            string? line;
            idle.CancelAfter(idleTimeout);
            try
            {
                line = await reader.ReadLineAsync(idle.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"no data for {idleTimeout.TotalSeconds:0.###} s (StreamIdleTimeout)");
            }

            if (line is null)
            {
                yield break;
            }

            if (line.Length > MaxLineLength)
            {
                throw new InvalidDataException($"a line of {line.Length} characters");
            }

            if (line.Length == 0 || line[0] == ':')
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue; // a field without a value carries nothing we use
            }

            var value = line.AsSpan(colon + 1);
            yield return (line[..colon], (value.Length > 0 && value[0] == ' ' ? value[1..] : value).ToString());
        }
    }
}
