using System.Text;

namespace Urial.SemanticKernel;

/// <summary>
/// Keeps control-token text in a prompt from becoming control tokens on a server: llama-server and vLLM tokenize prompt text
/// with special-token parsing on (<c>&lt;/s&gt;</c> in a user message would become the end-of-sequence token), and neither
/// lets a client turn it off.
/// </summary>
/// <remarks>
/// Each occurrence is broken by a zero-width space after its first character: the text reads the same, the tokenizer no longer
/// matches the control token. The local engine needs no such change (it tokenizes prompts as plain text), so on a remote engine
/// those few characters differ from what the model sees locally.
/// </remarks>
internal static class ControlTokenGuard
{
    private const char ZeroWidthSpace = '\u200B';

    public static string Neutralize(string prompt, IReadOnlyList<string> controlTexts)
    {
        StringBuilder? result = null;
        foreach (var control in controlTexts)
        {
            if (control.Length < 2 || (result?.ToString() ?? prompt).IndexOf(control, StringComparison.Ordinal) < 0)
            {
                continue;
            }

            result ??= new StringBuilder(prompt);
            result.Replace(control, string.Concat(control.AsSpan(0, 1), ZeroWidthSpace.ToString(), control.AsSpan(1)));
        }

        return result?.ToString() ?? prompt;
    }
}
