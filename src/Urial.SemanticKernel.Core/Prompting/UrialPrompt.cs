using System.Text;
using Microsoft.Extensions.AI;

namespace Urial.SemanticKernel;

/// <summary>A URIAL prompt: a constant text (an instruction preamble and example conversations) that a conversation is rendered after.</summary>
/// <remarks>
/// <para>
/// The constant <see cref="Text"/> always comes first and is never changed, so an engine can evaluate it once and
/// reuse it for every conversation. System messages (an agent's instructions arrive that way) are therefore
/// rendered after it, as turns headed <c># System:</c> in the prompt's format, where they occur in the conversation.
/// </para>
/// <para>
/// Message text never fakes a turn: inside every message, each line a model or a CommonMark reader could take for a
/// heading, a call marker or a block that swallows the next turn gets a leading backslash (see <see cref="TurnEscaper"/>),
/// and <see cref="Parse"/> removes it again. For messages without such lines the rendering is byte-identical to the
/// paper's reference implementation. Instances are immutable and thread-safe.
/// </para>
/// </remarks>
public sealed class UrialPrompt
{
    private const string DefaultResourceName = "Urial.SemanticKernel.Prompts.default.txt";

    /// <summary>The largest prompt file <see cref="Load"/> reads: 4 MiB, far more than any context holds.</summary>
    private const int MaxFileBytes = 4 * 1024 * 1024;

    private static readonly Lazy<UrialPrompt> s_default = new(LoadDefault);

    private readonly TurnLayout _layout;

    private UrialPrompt(string name, string text, TurnLayout layout)
    {
        Name = name;
        Text = text;
        _layout = layout;
    }

    /// <summary>Gets the prompt that ships with this library: a fenced prompt with three example conversations, one of them a polite refusal.</summary>
    public static UrialPrompt Default => s_default.Value;

    /// <summary>Gets the prompt's name.</summary>
    /// <value><c>default</c> for <see cref="Default"/>, the file name for <see cref="Load"/>, the given name or <c>custom</c> for <see cref="FromText"/>.</value>
    public string Name { get; }

    /// <summary>Gets the constant part of the prompt, exactly as loaded.</summary>
    public string Text { get; }

    /// <summary>Gets how the prompt marks its turns.</summary>
    public UrialTurnFormat Format => _layout.Format;

    /// <summary>Gets the strings that end an answer because the model starts a new turn; a stop matcher cuts at the earliest match.</summary>
    internal IReadOnlyList<string> StopSequences => _layout.StopSequences;

    /// <summary>Returns how many characters at the end of a finished answer close its turn (the fenced format's closing fence) and are not answer text.</summary>
    /// <param name="answer">The whole answer.</param>
    /// <returns>The number of characters to drop from its end.</returns>
    internal int AnswerEndLength(string answer) => _layout.AnswerEndLength(answer);

    /// <summary>Loads a prompt file in the paper's layout.</summary>
    /// <param name="path">The path of the file; its bytes are read as UTF-8 and used as-is, without trimming or newline normalization.</param>
    /// <returns>The prompt, named after the file.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is <see langword="null"/>.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is larger than 4 MiB, is not valid UTF-8 or contains no turns.</exception>
    public static UrialPrompt Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The URIAL prompt file '{path}' was not found.", path);
        }

        var length = new FileInfo(path).Length;
        if (length > MaxFileBytes)
        {
            throw new InvalidDataException($"The URIAL prompt file '{path}' has {length:N0} bytes; a prompt file may have at most {MaxFileBytes:N0} (a URIAL prompt is a few thousand characters, and all of it must fit the context).");
        }

        string text;
        try
        {
            text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(File.ReadAllBytes(path));
        }
        catch (DecoderFallbackException exception)
        {
            throw new InvalidDataException($"The URIAL prompt file '{path}' is not valid UTF-8.", exception);
        }

        return Create(text, Path.GetFileName(path), $"file '{path}'");
    }

    /// <summary>Creates a prompt from its constant text, detecting the format like <see cref="Load"/>.</summary>
    /// <param name="text">The constant text, used as-is.</param>
    /// <param name="name">The prompt's name; <c>custom</c> when <see langword="null"/>.</param>
    /// <returns>The prompt.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidDataException"><paramref name="text"/> contains no turns.</exception>
    public static UrialPrompt FromText(string text, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        name ??= "custom";
        return Create(text, name, $"text '{name}'");
    }

    /// <summary>Renders a conversation after the constant text, ending with the opened assistant turn the model continues.</summary>
    /// <param name="messages">The conversation; system, user and assistant messages are rendered in order, other roles and function calls are skipped.</param>
    /// <returns>The complete prompt text.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="messages"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="messages"/> contains no user message, or a <see langword="null"/> message.</exception>
    public string Render(IEnumerable<ChatMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return Render(PromptTurnConverter.ToTurns(messages), tools: null, nameof(messages));
    }

    /// <summary>Renders a conversation with its tool calls and results, and the tools the model may call.</summary>
    /// <param name="messages">The conversation; assistant messages with <see cref="FunctionCallContent"/> render their text and then their calls, tool messages render one <c># Tool result:</c> turn per <see cref="FunctionResultContent"/>.</param>
    /// <param name="tools">The tools offered; when it has functions and its mode is not <see cref="ChatToolMode.None"/>, the constant call demonstration (<see cref="TurnLayout.ToolDemo"/>) and a <c># Tools:</c> turn are rendered after the constant text and before the conversation.</param>
    /// <param name="maxToolResultLength">The maximum number of characters of a tool result; longer results are cut and end with a line <c>[truncated: N more characters]</c>.</param>
    /// <returns>The complete prompt text; for a conversation without tool contents and without rendered tools, the same as <see cref="Render(IEnumerable{ChatMessage})"/>.</returns>
    /// <remarks>Tool names, descriptions and schemas are trusted configuration; they are escaped like message text all the same.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="messages"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxToolResultLength"/> is negative.</exception>
    /// <exception cref="ArgumentException"><paramref name="messages"/> contains no user message, or a <see langword="null"/> message, or a call that cannot be written as JSON.</exception>
    internal string Render(IEnumerable<ChatMessage> messages, PromptTools? tools, int maxToolResultLength = PromptTools.DefaultMaxResultLength)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentOutOfRangeException.ThrowIfNegative(maxToolResultLength);
        return Render(PromptTurnConverter.ToTurns(messages, toolTurns: true, maxToolResultLength), tools, nameof(messages));
    }

    /// <summary>Reads back the messages that <see cref="Render(IEnumerable{ChatMessage})"/> or the tools overload wrote after the constant text.</summary>
    /// <param name="renderedPrompt">A prompt produced by rendering with this prompt.</param>
    /// <returns>
    /// The messages with their roles and original texts (in the headings format, with leading and trailing newlines trimmed, as rendered);
    /// assistant messages with calls hold their text (when not empty) and <see cref="FunctionCallContent"/>s with ids, names and arguments
    /// (values as <see cref="System.Text.Json.JsonElement"/>); consecutive results form one tool message of <see cref="FunctionResultContent"/>s
    /// whose results are the rendered strings. The call demonstration and the tool list are skipped.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="renderedPrompt"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidDataException"><paramref name="renderedPrompt"/> is not a rendering of this prompt.</exception>
    public IReadOnlyList<ChatMessage> Parse(string renderedPrompt)
    {
        ArgumentNullException.ThrowIfNull(renderedPrompt);
        if (!renderedPrompt.StartsWith(Text, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"The text does not start with the constant text of the URIAL prompt '{Name}'.");
        }

        var demo = _layout.ToolDemo;
        var withTools = renderedPrompt.Length - Text.Length >= demo.Length && string.CompareOrdinal(renderedPrompt, Text.Length, demo, 0, demo.Length) == 0;
        var turns = _layout.ParseTurns(renderedPrompt, withTools ? Text.Length + demo.Length : Text.Length);
        if (withTools && (turns.Count == 0 || turns[0].Kind != PromptTurnKind.Tools))
        {
            throw new InvalidDataException("The text is not a rendering of this URIAL prompt: the call demonstration is not followed by the tool list.");
        }

        var conversation = withTools ? turns.Skip(1) : turns;
        if (conversation.Any(turn => turn.Kind == PromptTurnKind.Tools))
        {
            throw new InvalidDataException("The text is not a rendering of this URIAL prompt: a tool list is inside the conversation.");
        }

        return PromptTurnConverter.ToMessages(conversation);
    }

    private string Render(List<PromptTurn> turns, PromptTools? tools, string paramName)
    {
        if (!turns.Exists(turn => turn.Kind == PromptTurnKind.User))
        {
            throw new ArgumentException("The conversation needs at least one user message.", paramName);
        }

        var builder = new StringBuilder(Text, Text.Length + 256);
        if (tools is { IsRendered: true })
        {
            // After the constant text, never before: the engine caches the constant text's evaluation, and the
            // demonstration is constant too, so only the tool list and the conversation differ between requests.
            builder.Append(_layout.ToolDemo);
            _layout.AppendTurn(builder, new PromptTurn(PromptTurnKind.Tools, ToolSection.Describe(tools.Functions)));
        }

        foreach (var turn in turns)
        {
            _layout.AppendTurn(builder, turn);
        }

        _layout.AppendAnswerOpening(builder);
        return builder.ToString();
    }

    private static UrialPrompt Create(string text, string name, string source)
    {
        var format = TurnLayout.Detect(text)
            ?? throw new InvalidDataException(
                $"The URIAL prompt {source} contains no '# Query:'/'# Answer:' or '# User:'/'# Assistant:' turns; " +
                "a URIAL prompt file needs an instruction preamble followed by example conversations whose turns are headed by such lines.");
        return new UrialPrompt(name, text, TurnLayout.For(format));
    }

    private static UrialPrompt LoadDefault()
    {
        using var stream = typeof(UrialPrompt).Assembly.GetManifestResourceStream(DefaultResourceName)
            ?? throw new InvalidOperationException($"The embedded resource '{DefaultResourceName}' is missing.");
        using var reader = new StreamReader(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: false);
        return Create(reader.ReadToEnd(), "default", "resource 'default'");
    }
}
