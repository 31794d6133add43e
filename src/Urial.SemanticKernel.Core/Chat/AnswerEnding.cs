using System.Text;

namespace Urial.SemanticKernel;

/// <summary>
/// Follows a streamed answer and, when it ends, drops the end of its turn that the model wrote (the fenced format's closing
/// fence) from the final piece of text. Everything else the model wrote stays: text held back because it could have begun a
/// stop sequence is answer text once the answer is over.
/// </summary>
internal sealed class AnswerEnding(UrialPrompt prompt)
{
    private readonly StringBuilder _answer = new();

    /// <summary>Records text that streams before the end.</summary>
    public string Accept(string text)
    {
        _answer.Append(text);
        return text;
    }

    /// <summary>Returns the final piece of text without the turn's closing; what streamed before it is never taken back.</summary>
    public string Finish(string text)
    {
        var answer = _answer.Append(text).ToString();
        var cut = Math.Min(text.Length, prompt.AnswerEndLength(answer));
        return text[..^cut];
    }
}
