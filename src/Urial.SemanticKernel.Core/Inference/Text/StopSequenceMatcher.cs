using System.Text;

namespace Urial.SemanticKernel;

/// <summary>
/// Finds stop sequences in streamed text without ever releasing any part of one.
/// </summary>
/// <remarks>
/// Text is held back while its tail could still grow into a stop sequence; the earliest complete
/// match cuts the stream. A held tail that never became a stop is released when generation ends:
/// "I recommend C#" keeps its "#" although "#" could have begun "# Query". Whether the end of an
/// answer closes its turn (the fenced format's closing fence) is the prompt format's to decide,
/// not this matcher's.
/// </remarks>
internal sealed class StopSequenceMatcher
{
    private readonly string[] _stops;
    private readonly string? _trigger;
    private readonly StringBuilder _pending = new();

    /// <param name="stopSequences">The texts that end the stream.</param>
    /// <param name="trigger">A text that ends free text without ending the stream (a grammar takes over there), or <see langword="null"/>.</param>
    public StopSequenceMatcher(IEnumerable<string> stopSequences, string? trigger = null)
    {
        _trigger = string.IsNullOrEmpty(trigger) ? null : trigger;
        _stops = stopSequences.Where(s => s.Length > 0).Append(_trigger ?? string.Empty).Where(s => s.Length > 0).Distinct(StringComparer.Ordinal).ToArray();
    }

    /// <summary>Gets a value indicating whether a stop sequence has been seen.</summary>
    public bool Stopped { get; private set; }

    /// <summary>Gets a value indicating whether the trigger was seen (before any stop sequence); it then starts at <see cref="Released"/>.</summary>
    public bool Triggered { get; private set; }

    /// <summary>Gets how many characters have been released so far.</summary>
    public int Released { get; private set; }

    /// <summary>Adds decoded text and returns the part that can be released now.</summary>
    /// <remarks>
    /// The output is the text up to the earliest start of any stop sequence. A complete match therefore cuts only when no
    /// other stop sequence could still complete from an earlier start (a held partial match); until then it is held too.
    /// </remarks>
    public string Append(string text)
    {
        if (Stopped || Triggered || text.Length == 0)
        {
            return string.Empty;
        }

        _pending.Append(text);
        var pending = _pending.ToString();
        var (cut, stop) = EarliestMatch(pending);
        var heldFrom = pending.Length - LongestHeldTail(pending);
        if (cut >= 0 && cut <= heldFrom)
        {
            return Cut(pending, cut, stop);
        }

        var release = cut >= 0 ? Math.Min(cut, heldFrom) : heldFrom;
        if (release > 0 && char.IsHighSurrogate(pending[release - 1]))
        {
            release--; // never split a surrogate pair across two releases
        }

        _pending.Remove(0, release);
        Released += release;
        return pending[..release];
    }

    /// <summary>Ends the stream: returns the held text up to the earliest stop sequence it holds, or all of it.</summary>
    /// <remarks>A trigger held at the end is cut like a stop sequence: the call it began was never written.</remarks>
    public string Finish()
    {
        var pending = _pending.ToString();
        var (cut, _) = EarliestMatch(pending);
        if (cut >= 0)
        {
            Stopped = true;
            _pending.Clear();
            Released += cut;
            return pending[..cut];
        }

        _pending.Clear();
        Released += pending.Length;
        return pending;
    }

    private string Cut(string pending, int cut, string? stop)
    {
        Triggered = ReferenceEquals(stop, _trigger);
        Stopped = !Triggered;
        _pending.Clear();
        Released += cut;
        return pending[..cut];
    }

    private (int Index, string? Stop) EarliestMatch(string text)
    {
        var earliest = -1;
        string? found = null;
        foreach (var stop in _stops)
        {
            var index = text.IndexOf(stop, StringComparison.Ordinal);
            if (index >= 0 && (earliest < 0 || index < earliest))
            {
                earliest = index;
                found = stop;
            }
        }

        return (earliest, found is not null && found == _trigger ? _trigger : found);
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
