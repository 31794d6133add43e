using System.Text;

namespace Urial.SemanticKernel;

/// <summary>
/// Refuses a text that cannot fit the context before it is tokenized: no token stands for more than a model's longest
/// token text, so a text of more bytes than the context holds tokens of that length needs more tokens than the context
/// has. Tokenizing it first would make llama.cpp allocate and work in proportion to a caller's arbitrarily long input.
/// </summary>
internal static class TextBound
{
    /// <summary>Tokens of slack for the beginning-of-sequence token and a tokenizer's leading space.</summary>
    private const int Slack = 16;

    /// <summary>Throws when <paramref name="text"/> certainly needs more than <paramref name="contextSize"/> tokens.</summary>
    /// <param name="text">The text to be tokenized.</param>
    /// <param name="contextSize">The context size in tokens.</param>
    /// <param name="longestTokenBytes">The most UTF-8 bytes one token of the model stands for.</param>
    /// <param name="what">What the text is, for the message.</param>
    /// <exception cref="UrialContextLengthExceededException">The text cannot fit.</exception>
    public static void EnsureCanFit(string text, int contextSize, int longestTokenBytes, string what)
    {
        var limit = (long)(contextSize + Slack) * longestTokenBytes;
        if (text.Length <= limit / 3)
        {
            return; // at most 3 UTF-8 bytes per UTF-16 char: fits the bound without counting
        }

        var bytes = Encoding.UTF8.GetByteCount(text);
        if (bytes > limit)
        {
            throw new UrialContextLengthExceededException(
                $"{what} has {bytes:N0} UTF-8 bytes, so at least {bytes / longestTokenBytes:N0} tokens (no token of this model stands for more than {longestTokenBytes} bytes), " +
                $"but the context holds {contextSize:N0}; it was not tokenized. Shorten it or raise ContextSize.");
        }
    }
}
