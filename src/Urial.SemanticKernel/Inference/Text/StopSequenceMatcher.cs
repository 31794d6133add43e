using System.Text;

namespace Urial.SemanticKernel;

/// <summary>
/// Finds stop sequences in streamed text without ever releasing any part of one.
/// </summary>
/// <remarks>
/// Text is held back while its tail could still grow into a stop sequence; the earliest complete
/// match cuts the stream. A held tail that is still undecided when generation ends is discarded:
/// it is the start of a turn boundary (a closing fence, blank lines before a heading) that the
/// model did not finish, never answer text worth showing.
/// </remarks>
internal sealed class StopSequenceMatcher
{
    private readonly string[] _stops;
    private readonly StringBuilder _pending = new();

    public StopSequenceMatcher(IEnumerable<string> stopSequences)
    {
        _stops = stopSequences.Where(s => s.Length > 0).Distinct(StringComparer.Ordinal).ToArray();
    }

    /// <summary>Gets a value indicating whether a stop sequence has been seen.</summary>
    public bool Stopped { get; private set; }

    /// <summary>Adds decoded text and returns the part that can be released now.</summary>
    public string Append(string text)
    {
        if (Stopped || text.Length == 0)
        {
            return string.Empty;
        }

        _pending.Append(text);
        var pending = _pending.ToString();

        var cut = EarliestMatch(pending);
        if (cut >= 0)
        {
            Stopped = true;
            _pending.Clear();
            return pending[..cut];
        }

        var release = pending.Length - LongestHeldTail(pending);
        if (release > 0 && char.IsHighSurrogate(pending[release - 1]))
        {
            release--; // never split a surrogate pair across two releases
        }

        _pending.Remove(0, release);
        return pending[..release];
    }

    /// <summary>Ends the stream: returns held text that cannot begin a stop sequence (none, by construction, except a lone surrogate).</summary>
    public string Finish()
    {
        var pending = _pending.ToString();
        _pending.Clear();
        return LongestHeldTail(pending) == pending.Length ? string.Empty : pending;
    }

    private int EarliestMatch(string text)
    {
        var earliest = -1;
        foreach (var stop in _stops)
        {
            var index = text.IndexOf(stop, StringComparison.Ordinal);
            if (index >= 0 && (earliest < 0 || index < earliest))
            {
                earliest = index;
            }
        }

        return earliest;
    }

    /// <summary>Length of the longest suffix of <paramref name="text"/> that is a proper prefix of some stop sequence.</summary>
    private int LongestHeldTail(string text)
    {
        var longest = 0;
        foreach (var stop in _stops)
        {
            var max = Math.Min(stop.Length - 1, text.Length);
            for (var length = max; length > longest; length--)
            {
                if (text.AsSpan(text.Length - length).SequenceEqual(stop.AsSpan(0, length)))
                {
                    longest = length;
                    break;
                }
            }
        }

        return longest;
    }
}
