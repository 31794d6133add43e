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
/// Message text never fakes a turn: inside every message, each line that the format would read as a heading or a
/// fence is prefixed with one space, and <see cref="Parse"/> removes that space again. For messages without such
/// lines the rendering is byte-identical to the paper's reference implementation. Instances are immutable and thread-safe.
/// </para>
/// </remarks>
public sealed class UrialPrompt
{
    private const string DefaultResourceName = "Urial.SemanticKernel.Prompts.default.txt";

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

    /// <summary>Loads a prompt file in the paper's layout.</summary>
    /// <param name="path">The path of the file; its bytes are read as UTF-8 and used as-is, without trimming or newline normalization.</param>
    /// <returns>The prompt, named after the file.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is <see langword="null"/>.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not valid UTF-8 or contains no turns.</exception>
    public static UrialPrompt Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The URIAL prompt file '{path}' was not found.", path);
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
    /// <param name="messages">The conversation; system, user and assistant messages are rendered in order, other roles are skipped for now.</param>
    /// <returns>The complete prompt text.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="messages"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="messages"/> contains no user message, or a <see langword="null"/> message.</exception>
    public string Render(IEnumerable<ChatMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var turns = PromptTurnConverter.ToTurns(messages);
        if (!turns.Exists(turn => turn.Kind == PromptTurnKind.User))
        {
            throw new ArgumentException("The conversation needs at least one user message.", nameof(messages));
        }

        var builder = new StringBuilder(Text, Text.Length + 256);
        foreach (var turn in turns)
        {
            _layout.AppendTurn(builder, turn);
        }

        _layout.AppendAnswerOpening(builder);
        return builder.ToString();
    }

    /// <summary>Reads back the messages that <see cref="Render"/> wrote after the constant text.</summary>
    /// <param name="renderedPrompt">A prompt produced by <see cref="Render"/> of this prompt.</param>
    /// <returns>The messages with their roles and original texts (in the headings format, with leading and trailing newlines trimmed, as rendered).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="renderedPrompt"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidDataException"><paramref name="renderedPrompt"/> is not a rendering of this prompt.</exception>
    public IReadOnlyList<ChatMessage> Parse(string renderedPrompt)
    {
        ArgumentNullException.ThrowIfNull(renderedPrompt);
        if (!renderedPrompt.StartsWith(Text, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"The text does not start with the constant text of the URIAL prompt '{Name}'.");
        }

        return _layout.ParseTurns(renderedPrompt, Text.Length).Select(PromptTurnConverter.ToMessage).ToArray();
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
