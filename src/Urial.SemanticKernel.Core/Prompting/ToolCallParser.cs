using System.Text;
using System.Text.Json;

namespace Urial.SemanticKernel;

/// <summary>Reads the tool calls out of an answer the model wrote.</summary>
/// <remarks>
/// Calls start at the first line whose text (after spaces or tabs) begins with <see cref="ToolCallSyntax.Open"/>;
/// each call is the opening marker, one JSON object <c>{"name": …, "arguments": {…}}</c> (an <c>"id"</c> is
/// accepted and ignored; whitespace and line breaks anywhere between the tokens), and <see cref="ToolCallSyntax.Close"/>.
/// Only whitespace may separate and follow the calls.
/// </remarks>
internal static class ToolCallParser
{
    private static readonly byte[] s_open = Encoding.UTF8.GetBytes(ToolCallSyntax.Open);
    private static readonly byte[] s_close = Encoding.UTF8.GetBytes(ToolCallSyntax.Close);

    /// <summary>Splits an answer into its text and its tool calls.</summary>
    /// <param name="answerText">The answer as generated (after stop sequences were cut).</param>
    /// <param name="textBeforeCalls">The text before the first call with trailing whitespace removed; the whole text when there is no call.</param>
    /// <param name="calls">The calls in order; empty when the answer has none or is malformed.</param>
    /// <param name="error">Why the calls are malformed; <see langword="null"/> on success.</param>
    /// <returns><see langword="true"/> when the answer has no calls or only well-formed calls; <see langword="false"/> when a call is malformed (bad JSON, no name, unclosed, or text after the calls).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="answerText"/> is <see langword="null"/>.</exception>
    public static bool TryParse(
        string answerText,
        out string textBeforeCalls,
        out IReadOnlyList<(string Name, IDictionary<string, object?> Arguments)> calls,
        out string? error)
    {
        ArgumentNullException.ThrowIfNull(answerText);
        calls = [];
        error = null;
        var start = FindFirstCall(answerText);
        if (start < 0)
        {
            textBeforeCalls = answerText;
            return true;
        }

        textBeforeCalls = answerText[..start].TrimEnd();
        var bytes = Encoding.UTF8.GetBytes(answerText[start..]);
        var position = SkipWhitespace(bytes, 0);
        var parsed = new List<(string Name, IDictionary<string, object?> Arguments)>();
        while (position < bytes.Length)
        {
            if (!bytes.AsSpan(position).StartsWith(s_open))
            {
                error = $"unexpected text after tool call {parsed.Count}; only whitespace may separate or follow calls";
                return false;
            }

            position = SkipWhitespace(bytes, position + s_open.Length);
            var reader = new Utf8JsonReader(bytes.AsSpan(position), new JsonReaderOptions { AllowMultipleValues = true });
            try
            {
                using var document = JsonDocument.ParseValue(ref reader);
                if (!ToolCallSyntax.TryReadCall(document.RootElement, requireId: false, out var name, out var arguments, out _, out error))
                {
                    error = $"tool call {parsed.Count + 1}: {error}";
                    return false;
                }

                parsed.Add((name, arguments));
            }
            catch (JsonException exception)
            {
                error = $"tool call {parsed.Count + 1} is not valid JSON: {exception.Message}";
                return false;
            }

            position = SkipWhitespace(bytes, position + (int)reader.BytesConsumed);
            if (!bytes.AsSpan(position).StartsWith(s_close))
            {
                error = $"tool call {parsed.Count} is not closed by {ToolCallSyntax.Close}";
                return false;
            }

            position = SkipWhitespace(bytes, position + s_close.Length);
        }

        calls = parsed;
        return true;
    }

    // The index of the line start (after leading spaces or tabs) where the first opening marker is, or -1.
    private static int FindFirstCall(string text)
    {
        var lineStart = 0;
        while (lineStart <= text.Length)
        {
            var i = lineStart;
            while (i < text.Length && text[i] is ' ' or '\t')
            {
                i++;
            }

            if (string.CompareOrdinal(text, i, ToolCallSyntax.Open, 0, ToolCallSyntax.Open.Length) == 0)
            {
                return i;
            }

            var newline = text.IndexOf('\n', lineStart);
            if (newline < 0)
            {
                return -1;
            }

            lineStart = newline + 1;
        }

        return -1;
    }

    private static int SkipWhitespace(byte[] bytes, int position)
    {
        while (position < bytes.Length && bytes[position] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            position++;
        }

        return position;
    }
}
