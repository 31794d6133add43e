using System.Text;

namespace Urial.SemanticKernel;

/// <summary>Writes and reads turns in one <see cref="UrialTurnFormat"/>.</summary>
/// <remarks>
/// Every turn is a heading, then its body (the escaped text, with calls or a result header for tool turns) framed the
/// format's way; the opened assistant turn that ends a prompt is <see cref="AnswerOpening"/>. The formats differ in the
/// headings, the framing, how a body is normalized, and how a framed body is read back. Instances are immutable and thread-safe.
/// </remarks>
internal abstract class TurnLayout
{
    private readonly Lazy<string> _toolDemo;

    /// <summary>Initializes the layout.</summary>
    protected TurnLayout()
    {
        _toolDemo = new Lazy<string>(() =>
        {
            var builder = new StringBuilder();
            foreach (var turn in ToolSection.DemoTurns)
            {
                AppendTurn(builder, turn);
            }

            return builder.ToString();
        });
    }

    /// <summary>Gets the constant demonstration of the call format, written right after the constant URIAL text when tools are offered.</summary>
    public string ToolDemo => _toolDemo.Value;

    /// <summary>Gets the format this layout writes.</summary>
    public abstract UrialTurnFormat Format { get; }

    /// <summary>Gets the strings that end an answer when the model starts a new turn.</summary>
    public abstract IReadOnlyList<string> StopSequences { get; }

    /// <summary>Gets the opened assistant turn that ends every prompt: what the model continues.</summary>
    protected abstract string AnswerOpening { get; }

    /// <summary>Returns the layout for <paramref name="format"/>.</summary>
    /// <param name="format">The turn format.</param>
    /// <returns>A shared layout instance.</returns>
    public static TurnLayout For(UrialTurnFormat format) => format switch
    {
        UrialTurnFormat.Fenced => FencedTurnLayout.Instance,
        UrialTurnFormat.Headings => HeadingsTurnLayout.Instance,
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown URIAL turn format."),
    };

    /// <summary>Finds the format of a prompt file by the first turn heading that stands on a line of its own.</summary>
    /// <param name="text">The constant prompt text.</param>
    /// <returns>The detected format, or <see langword="null"/> when the text has no turns.</returns>
    public static UrialTurnFormat? Detect(string text)
    {
        foreach (var rawLine in text.Split('\n'))
        {
            switch (rawLine.TrimEnd('\r'))
            {
                case "# Query:" or "# Answer:":
                    return UrialTurnFormat.Fenced;
                case "# User:" or "# Assistant:":
                    return UrialTurnFormat.Headings;
            }
        }

        return null;
    }

    /// <summary>Appends one complete turn.</summary>
    /// <param name="builder">The prompt being built.</param>
    /// <param name="turn">The turn to write.</param>
    /// <remarks>
    /// An answer with calls is its text and <c>\n</c> (when the text is not empty), then the calls in
    /// <see cref="ToolCallSyntax"/>; a result is its header line, then <c>\n</c> and the text (when not empty).
    /// </remarks>
    public void AppendTurn(StringBuilder builder, PromptTurn turn)
    {
        // Normalized first: what the escaper sees is exactly what is written, lines and neighbours alike.
        var text = TurnEscaper.Escape(Normalize(turn.Text), Format, followsLine: turn.Kind == PromptTurnKind.ToolResult);
        var body = new StringBuilder(text.Length + 64);
        if (turn.Kind == PromptTurnKind.Assistant && turn.Calls.Count > 0)
        {
            if (text.Length > 0)
            {
                body.Append(text).Append('\n');
            }

            ToolCallSyntax.AppendCalls(body, turn.Calls);
        }
        else if (turn.Kind == PromptTurnKind.ToolResult)
        {
            body.Append(ToolCallSyntax.FormatResultHeader(turn.CallId ?? string.Empty, turn.ToolName));
            if (text.Length > 0)
            {
                body.Append('\n').Append(text);
            }
        }
        else
        {
            body.Append(text);
        }

        AppendFramed(builder, turn.Kind, body.ToString());
    }

    /// <summary>Appends the opened assistant turn that the model continues.</summary>
    /// <param name="builder">The prompt being built.</param>
    public void AppendAnswerOpening(StringBuilder builder) => builder.Append(AnswerOpening);

    /// <summary>Returns how many characters at the end of a finished answer are the end of its turn, not answer text.</summary>
    /// <param name="answer">The whole answer the model wrote before it stopped (at its end-of-generation token or its budget).</param>
    /// <returns>The length of the turn's closing at the end of <paramref name="answer"/>; 0 when it has none.</returns>
    public abstract int AnswerEndLength(string answer);

    /// <summary>Returns the text a turn has after rendering and parsing: the reference's normalization, if any.</summary>
    /// <param name="text">The message text.</param>
    /// <returns>The normalized text.</returns>
    public abstract string Normalize(string text);

    /// <summary>Reads the turns written after the constant text.</summary>
    /// <param name="rendered">A complete rendered prompt.</param>
    /// <param name="start">The index just after the constant text.</param>
    /// <returns>The turns, with unescaped texts; the final opened assistant turn is not included.</returns>
    /// <exception cref="InvalidDataException">The text after <paramref name="start"/> is not a rendering in this format.</exception>
    public IReadOnlyList<PromptTurn> ParseTurns(string rendered, int start)
    {
        var turns = new List<PromptTurn>();
        var position = start;
        while (rendered.Length - position != AnswerOpening.Length || string.CompareOrdinal(rendered, position, AnswerOpening, 0, AnswerOpening.Length) != 0)
        {
            var (kind, bodyStart, bodyEnd, next) = ReadFramed(rendered, position);
            var body = rendered[bodyStart..bodyEnd];
            if (!string.Equals(Normalize(body), body, StringComparison.Ordinal))
            {
                throw Invalid($"the turn starting at offset {position} is not normalized");
            }

            turns.Add(ReadBody(kind, body));
            position = next;
        }

        return turns;
    }

    /// <summary>Appends one turn: its heading, and <paramref name="body"/> framed the format's way.</summary>
    /// <param name="builder">The prompt being built.</param>
    /// <param name="kind">The speaker.</param>
    /// <param name="body">The escaped, normalized body.</param>
    protected abstract void AppendFramed(StringBuilder builder, PromptTurnKind kind, string body);

    /// <summary>Reads the turn that starts at <paramref name="position"/>.</summary>
    /// <param name="rendered">A complete rendered prompt.</param>
    /// <param name="position">Where the turn's heading should start.</param>
    /// <returns>The speaker, the body's bounds, and where the next turn starts.</returns>
    /// <exception cref="InvalidDataException">No turn written by <see cref="AppendFramed"/> starts there.</exception>
    protected abstract (PromptTurnKind Kind, int BodyStart, int BodyEnd, int Next) ReadFramed(string rendered, int position);

    /// <summary>Returns the kind whose heading starts at <paramref name="position"/>.</summary>
    /// <param name="rendered">A complete rendered prompt.</param>
    /// <param name="position">The position.</param>
    /// <param name="heading">The heading text of each kind.</param>
    /// <returns>The kind, or <see langword="null"/> when no heading starts there.</returns>
    protected static PromptTurnKind? MatchHeading(string rendered, int position, Func<PromptTurnKind, string> heading)
    {
        foreach (var kind in (ReadOnlySpan<PromptTurnKind>)[PromptTurnKind.User, PromptTurnKind.Assistant, PromptTurnKind.System, PromptTurnKind.ToolResult, PromptTurnKind.Tools])
        {
            var text = heading(kind);
            if (rendered.Length - position >= text.Length && string.CompareOrdinal(rendered, position, text, 0, text.Length) == 0)
            {
                return kind;
            }
        }

        return null;
    }

    /// <summary>Creates the exception for a text that is not a rendering in this format.</summary>
    /// <param name="detail">What is wrong, for the message.</param>
    /// <returns>The exception.</returns>
    protected static InvalidDataException Invalid(string detail) =>
        new($"The text is not a rendering of this URIAL prompt: {detail}.");

    /// <summary>Builds the list of stop sequences: each heading preceded by each of the given separators.</summary>
    /// <param name="separators">What may precede a heading in the model's output, longest first.</param>
    /// <param name="headings">The headings without colon, e.g. <c># Query</c>.</param>
    /// <returns>A read-only list.</returns>
    protected static IReadOnlyList<string> BuildStopSequences(string[] separators, string[] headings) =>
        headings.SelectMany(heading => separators.Select(separator => separator + heading)).ToArray().AsReadOnly();

    // Reverses the body composition of AppendTurn. Escaped text never has a marker line at column zero, so the
    // first such line starts the calls.
    private PromptTurn ReadBody(PromptTurnKind kind, string body)
    {
        switch (kind)
        {
            case PromptTurnKind.Assistant:
                var callsStart = body.StartsWith(ToolCallSyntax.Open + "\n", StringComparison.Ordinal)
                    ? 0
                    : body.IndexOf("\n" + ToolCallSyntax.Open + "\n", StringComparison.Ordinal);
                if (callsStart < 0)
                {
                    break;
                }

                var calls = ToolCallSyntax.ParseCalls(body[(callsStart == 0 ? 0 : callsStart + 1)..]);
                return new PromptTurn(kind, TurnEscaper.Unescape(body[..callsStart], Format)) { Calls = calls };
            case PromptTurnKind.ToolResult:
                var newline = body.IndexOf('\n', StringComparison.Ordinal);
                var callId = ToolCallSyntax.ParseResultHeader(newline < 0 ? body : body[..newline]);
                var text = newline < 0 ? string.Empty : body[(newline + 1)..];
                if (text.Length == 0 && newline >= 0)
                {
                    throw Invalid("a tool result has an empty text after its header");
                }

                return new PromptTurn(kind, TurnEscaper.Unescape(text, Format, followsLine: true)) { CallId = callId };
        }

        return new PromptTurn(kind, TurnEscaper.Unescape(body, Format));
    }
}
