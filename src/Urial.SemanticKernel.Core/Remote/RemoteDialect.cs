using System.Text.Json;
using System.Text.Json.Nodes;

namespace Urial.SemanticKernel;

/// <summary>How one kind of server is asked for a completion and how its stream reads: the only part of the remote engine that differs between llama.cpp, vLLM and plain OpenAI servers.</summary>
internal abstract class RemoteDialect
{
    /// <summary>Gets a value indicating whether the server constrains output with a GBNF grammar.</summary>
    public abstract bool ConstrainsGrammar { get; }

    /// <summary>Gets a value indicating whether the server reports which stop sequence it stopped at (so the grammar trigger can be a server-side stop).</summary>
    public abstract bool ReportsStopWord { get; }

    /// <summary>Gets how many stop sequences the server accepts.</summary>
    public virtual int MaxStops => 64;

    /// <summary>Gets the path of the streaming completion endpoint, relative to the server's root.</summary>
    public abstract string CompletionPath { get; }

    public static RemoteDialect For(ServerInfo info, string? model) => info.Dialect switch
    {
        UrialRemoteDialect.LlamaCpp => new LlamaCppDialect(),
        UrialRemoteDialect.Vllm => new VllmDialect(model ?? info.Model, info.UsesStructuredOutputs),
        _ => new OpenAICompletionsDialect(model ?? info.Model),
    };

    /// <summary>Tokenizes a prompt as the server will (with its beginning-of-sequence token), or returns <see langword="null"/> when the server cannot.</summary>
    public abstract Task<int[]?> TokenizeAsync(RemoteHttp http, string text, CancellationToken cancellationToken);

    /// <summary>Builds the request body of a streamed completion.</summary>
    public abstract JsonObject Body(CompletionCall call);

    /// <summary>Reads one server-sent event: returns its text and records what else it says in <paramref name="outcome"/>.</summary>
    /// <exception cref="UrialRemoteEngineException">The event is an error the server reports.</exception>
    public abstract string Read(string field, string value, CompletionOutcome outcome, RemoteHttp http);

    protected static int[] Tokens(JsonElement root) =>
        [.. root.GetProperty("tokens").EnumerateArray().Select(t => t.ValueKind == JsonValueKind.Object ? t.GetProperty("id").GetInt32() : t.GetInt32())];

    protected static JsonArray Array(IEnumerable<string> values) => [.. values.Select(v => (JsonNode)JsonValue.Create(v))];

    protected static JsonNode PromptNode(CompletionCall call) =>
        call.PromptTokens is { } tokens ? new JsonArray([.. tokens.Select(t => (JsonNode)JsonValue.Create(t))]) : JsonValue.Create(call.Prompt);

    protected static int? Int(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt32() : null;

    protected static string? String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>Throws the error a server reports inside its stream (<c>error:</c> events, or a <c>data:</c> object with an error).</summary>
    protected static void ThrowIfError(string field, JsonElement root, string value, RemoteHttp http)
    {
        var isError = field == "error"
            || (root.ValueKind == JsonValueKind.Object && (root.TryGetProperty("error", out _) || String(root, "object") == "error"));
        if (isError)
        {
            var message = RemoteHttp.ServerMessage(value) ?? value;
            throw new UrialRemoteEngineException(http.Endpoint.Address, null, message, $"The server at {http.Endpoint.Address} reported an error while streaming: {message}");
        }
    }
}
