using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Urial.SemanticKernel;

/// <summary>The text form of tool calls and tool results in a prompt and in the model's answer.</summary>
/// <remarks>
/// <para>
/// A call is three lines: the marker <see cref="Open"/>, one line with a compact JSON object
/// <c>{"name":"Plugin_Function","arguments":{…}}</c>, and the marker <see cref="Close"/>. Several calls follow
/// each other separated by one <c>\n</c>. In the history the object also carries the call id after the
/// arguments (<c>,"id":"call-1"</c>), so the prefix the model imitates is exactly what a grammar forces:
/// <c>{"name":</c> a string <c>,"arguments":</c> an object <c>}</c>. In an answer turn, calls come after the
/// answer's text (separated by <c>\n</c>) and nothing follows them.
/// </para>
/// <para>
/// A result turn's body starts with one header line, the compact JSON object <c>{"id":"call-1","name":"Plugin_Function"}</c>
/// (the name only when the call is in the history), followed by <c>\n</c> and the escaped result text when it is
/// not empty. JSON written here is always on one line: JSON escapes every control character, so the line
/// structure that turns and escaping rely on cannot be broken by arguments or ids. JSON text is UTF-8, so a lone
/// surrogate in an id, a name or an argument becomes U+FFFD (result texts are not JSON and keep it).
/// </para>
/// <para>
/// The escaper treats every line that reads like <c>&lt;tool_call</c> or <c>&lt;/tool_call</c> (after white space,
/// invisible characters and look-alikes) as structural, so message text can never contain a marker line at column zero.
/// </para>
/// </remarks>
internal static class ToolCallSyntax
{
    /// <summary>The line that opens a call; the engine switches to the call grammar when the model writes it at the start of a line.</summary>
    public const string Open = "<tool_call>";

    /// <summary>The line that closes a call.</summary>
    public const string Close = "</tool_call>";

    /// <summary>Gets the options for the JSON in calls and results: compact, readable non-ASCII, any CLR value (reflection fallback).</summary>
    public static JsonSerializerOptions JsonOptions { get; } = CreateJsonOptions();

    private static readonly JsonWriterOptions s_writerOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = false };

    /// <summary>Appends calls in the history form, separated by <c>\n</c>, without a trailing newline.</summary>
    /// <param name="builder">The prompt being built.</param>
    /// <param name="calls">The calls, at least one.</param>
    /// <exception cref="ArgumentException">An argument value cannot be serialized as JSON.</exception>
    public static void AppendCalls(StringBuilder builder, IReadOnlyList<FunctionCallContent> calls)
    {
        for (var i = 0; i < calls.Count; i++)
        {
            if (i > 0)
            {
                builder.Append('\n');
            }

            builder.Append(Open).Append('\n');
            builder.Append(WriteJson(writer =>
            {
                writer.WriteStartObject();
                writer.WriteString("name", calls[i].Name);
                writer.WritePropertyName("arguments");
                var arguments = calls[i].Arguments?.ToDictionary(a => a.Key, a => InvalidToolArgument.Unwrap(a.Value)) ?? [];
                JsonSerializer.Serialize(writer, arguments, JsonOptions);
                writer.WriteString("id", calls[i].CallId);
                writer.WriteEndObject();
            }));
            builder.Append('\n').Append(Close);
        }
    }

    /// <summary>Returns the header line of a result turn.</summary>
    /// <param name="callId">The id of the call the result answers.</param>
    /// <param name="toolName">The called function's name, when known.</param>
    /// <returns>A one-line JSON object.</returns>
    public static string FormatResultHeader(string callId, string? toolName) => WriteJson(writer =>
    {
        writer.WriteStartObject();
        writer.WriteString("id", callId);
        if (toolName is not null)
        {
            writer.WriteString("name", toolName);
        }

        writer.WriteEndObject();
    });

    /// <summary>Returns a function result as the text the prompt shows: strings as-is, other values as compact JSON.</summary>
    /// <param name="result">The result value.</param>
    /// <returns>The text.</returns>
    /// <exception cref="ArgumentException">The value cannot be written as JSON (an object cycle, nesting deeper than 64, an unsupported type).</exception>
    public static string FormatResult(object? result)
    {
        if (result is string text)
        {
            return text;
        }

        try
        {
            return JsonSerializer.Serialize(result, JsonOptions);
        }
        catch (Exception exception) when (exception is InvalidOperationException or NotSupportedException or JsonException)
        {
            throw new ArgumentException($"A tool result cannot be written as JSON: {exception.Message}", exception);
        }
    }

    /// <summary>Reads calls written by <see cref="AppendCalls"/>.</summary>
    /// <param name="text">The calls part of an answer body.</param>
    /// <returns>The calls with ids, names and arguments (values as <see cref="JsonElement"/>, JSON null as <see langword="null"/>).</returns>
    /// <exception cref="InvalidDataException"><paramref name="text"/> is not a list of calls in the history form.</exception>
    public static List<FunctionCallContent> ParseCalls(string text)
    {
        var lines = text.Split('\n');
        if (lines.Length % 3 != 0)
        {
            throw new InvalidDataException("The text is not a rendering of this URIAL prompt: a tool call block is incomplete.");
        }

        var calls = new List<FunctionCallContent>();
        for (var i = 0; i < lines.Length; i += 3)
        {
            if (lines[i] != Open || lines[i + 2] != Close)
            {
                throw new InvalidDataException("The text is not a rendering of this URIAL prompt: a tool call is not enclosed in its markers.");
            }

            string? error;
            try
            {
                using var document = JsonDocument.Parse(lines[i + 1]);
                if (TryReadCall(document.RootElement, requireId: true, out var name, out var arguments, out var id, out error))
                {
                    calls.Add(new FunctionCallContent(id!, name, arguments));
                    continue;
                }
            }
            catch (JsonException exception)
            {
                error = exception.Message;
            }

            throw new InvalidDataException($"The text is not a rendering of this URIAL prompt: a tool call is malformed ({error}).");
        }

        return calls;
    }

    /// <summary>Reads the call id from a result turn's header line.</summary>
    /// <param name="header">The header line.</param>
    /// <returns>The call id.</returns>
    /// <exception cref="InvalidDataException">The header is not a JSON object with a string <c>id</c>.</exception>
    public static string ParseResultHeader(string header)
    {
        try
        {
            using var document = JsonDocument.Parse(header);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("id", out var id)
                && id.ValueKind == JsonValueKind.String)
            {
                return id.GetString()!;
            }
        }
        catch (JsonException)
        {
        }

        throw new InvalidDataException("The text is not a rendering of this URIAL prompt: a tool result does not start with its header.");
    }

    /// <summary>Reads a call object: a string <c>name</c>, an object <c>arguments</c> (absent or null means none) and an optional string <c>id</c>.</summary>
    /// <param name="root">The JSON value.</param>
    /// <param name="requireId">Whether <c>id</c> must be present.</param>
    /// <param name="name">The function name.</param>
    /// <param name="arguments">The arguments; values are cloned <see cref="JsonElement"/>s, JSON null is <see langword="null"/>.</param>
    /// <param name="id">The call id, if present.</param>
    /// <param name="error">Why the value is not a call.</param>
    /// <returns><see langword="true"/> when the value is a call.</returns>
    public static bool TryReadCall(JsonElement root, bool requireId, out string name, out Dictionary<string, object?> arguments, out string? id, out string? error)
    {
        name = string.Empty;
        arguments = [];
        id = null;
        error = null;
        if (root.ValueKind != JsonValueKind.Object)
        {
            error = "a tool call must be a JSON object";
            return false;
        }

        if (!root.TryGetProperty("name", out var nameElement) || nameElement.ValueKind != JsonValueKind.String || nameElement.GetString() is not { Length: > 0 } nameText)
        {
            error = "a tool call needs a non-empty string \"name\"";
            return false;
        }

        name = nameText;
        if (root.TryGetProperty("arguments", out var argumentsElement) && argumentsElement.ValueKind != JsonValueKind.Null)
        {
            if (argumentsElement.ValueKind != JsonValueKind.Object)
            {
                error = "the \"arguments\" of a tool call must be a JSON object";
                return false;
            }

            foreach (var property in argumentsElement.EnumerateObject())
            {
                if (!arguments.TryAdd(property.Name, property.Value.ValueKind == JsonValueKind.Null ? null : property.Value.Clone()))
                {
                    error = $"the argument \"{property.Name}\" is given twice";
                    return false;
                }
            }
        }

        if (root.TryGetProperty("id", out var idElement))
        {
            if (idElement.ValueKind != JsonValueKind.String)
            {
                error = "the \"id\" of a tool call must be a string";
                return false;
            }

            id = idElement.GetString();
        }
        else if (requireId)
        {
            error = "a tool call in the history needs an \"id\"";
            return false;
        }

        return true;
    }

    private static string WriteJson(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        try
        {
            using (var writer = new Utf8JsonWriter(buffer, s_writerOptions))
            {
                write(writer);
            }
        }
        catch (Exception exception) when (exception is InvalidOperationException or NotSupportedException or JsonException)
        {
            throw new ArgumentException($"A tool call or result cannot be written as JSON: {exception.Message}", exception);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static JsonSerializerOptions CreateJsonOptions()
    {
        var options = new JsonSerializerOptions(AIJsonUtilities.DefaultOptions)
        {
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            WriteIndented = false,
        };
        options.MakeReadOnly();
        return options;
    }
}
