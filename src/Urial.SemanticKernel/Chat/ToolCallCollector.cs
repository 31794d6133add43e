using System.Text;
using Microsoft.Extensions.AI;

namespace Urial.SemanticKernel;

/// <summary>
/// Splits a streamed answer into text, which streams, and a tool call, which is held until the answer ends and then
/// parsed into <see cref="FunctionCallContent"/>s.
/// </summary>
/// <remarks>
/// The engine never releases part of the call marker before it is complete (it is a hold-back trigger), so the marker
/// cannot be split across two updates.
/// </remarks>
internal sealed class ToolCallCollector(bool active, bool callFromFirstToken)
{
    private readonly StringBuilder _call = new();
    private bool _inCall = active && callFromFirstToken;

    /// <summary>Returns the part of <paramref name="text"/> that streams as answer text; the rest is held as the call.</summary>
    public string Accept(string text)
    {
        if (!active)
        {
            return text;
        }

        var start = _inCall ? 0 : text.IndexOf(ToolCallSyntax.Open, StringComparison.Ordinal);
        if (start < 0)
        {
            return text;
        }

        _call.Append(text, start, text.Length - start);
        _inCall = true;
        return text[..start];
    }

    /// <summary>Adds the held call to the final update: parsed calls (finish reason ToolCalls), or its text if it is not a complete call — never dropped.</summary>
    public void Complete(ChatResponseUpdate final)
    {
        if (_call.Length == 0)
        {
            return;
        }

        var callText = _call.ToString();
        if (ToolCallParser.TryParse(callText, out var before, out var calls, out _) && calls.Count > 0)
        {
            if (!string.IsNullOrWhiteSpace(before))
            {
                final.Contents.Add(new TextContent(before));
            }

            foreach (var (name, arguments) in calls)
            {
                final.Contents.Add(new FunctionCallContent("call_" + Guid.NewGuid().ToString("N")[..16], name, arguments));
            }

            final.FinishReason = ChatFinishReason.ToolCalls;
        }
        else
        {
            final.Contents.Add(new TextContent(callText));
        }
    }
}
