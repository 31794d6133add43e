using System.Text.Json;

namespace Urial.SemanticKernel;

/// <summary>Asks a server what it is: llama.cpp answers <c>/props</c>; vLLM lists <c>max_model_len</c> at <c>/v1/models</c>; anything else is plain OpenAI.</summary>
internal static class ServerProbe
{
    /// <summary>vLLM moved grammars from <c>guided_grammar</c> to <c>structured_outputs</c> in this version.</summary>
    private static readonly Version s_structuredOutputsSince = new(0, 10, 2);

    /// <summary>Control-token texts common to widely used base models; a server's own BOS/EOS and configured texts are added.</summary>
    private static readonly string[] s_commonControlTexts =
    [
        "<s>", "</s>", "<unk>", "<pad>", "<bos>", "<eos>", "<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|begin_of_text|>",
        "<|end_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>", "<start_of_turn>", "<end_of_turn>", "[INST]", "[/INST]",
    ];

    public static async Task<ServerInfo> ProbeAsync(RemoteHttp http, RemoteSettings settings, CancellationToken cancellationToken)
    {
        if (settings.Dialect is UrialRemoteDialect.Auto or UrialRemoteDialect.LlamaCpp)
        {
            var props = await TryGetAsync(http, "props", required: settings.Dialect == UrialRemoteDialect.LlamaCpp, cancellationToken).ConfigureAwait(false);
            if (props is { ValueKind: JsonValueKind.Object } llama && llama.TryGetProperty("default_generation_settings", out var generation))
            {
                return new ServerInfo
                {
                    Dialect = UrialRemoteDialect.LlamaCpp,
                    Model = ModelFromPath(Text(llama, "model_path")),
                    ContextSize = generation.TryGetProperty("n_ctx", out var context) ? context.GetInt32() : null,
                    ControlTokenTexts = ControlTexts(settings, Text(llama, "bos_token"), Text(llama, "eos_token")),
                };
            }

            if (settings.Dialect == UrialRemoteDialect.LlamaCpp)
            {
                throw new UrialRemoteEngineException(http.Endpoint.Address, null, null, $"The server at {http.Endpoint.Address} is configured as llama.cpp but its /props has no default_generation_settings.");
            }
        }

        var models = await TryGetAsync(http, "v1/models", required: settings.Dialect != UrialRemoteDialect.OpenAICompatible || settings.Model is null, cancellationToken).ConfigureAwait(false);
        var first = models is { ValueKind: JsonValueKind.Object } list && list.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array && data.GetArrayLength() > 0
            ? data[0]
            : default;
        int? maxModelLength = first.ValueKind == JsonValueKind.Object && first.TryGetProperty("max_model_len", out var length) && length.ValueKind == JsonValueKind.Number ? length.GetInt32() : null;
        var isVllm = settings.Dialect == UrialRemoteDialect.Vllm
            || (settings.Dialect == UrialRemoteDialect.Auto && (maxModelLength is not null || Text(first, "owned_by") == "vllm"));
        var model = Text(first, "id");
        if (!isVllm)
        {
            return new ServerInfo { Dialect = UrialRemoteDialect.OpenAICompatible, Model = model, ContextSize = maxModelLength, ControlTokenTexts = ControlTexts(settings) };
        }

        var version = await TryGetAsync(http, "version", required: false, cancellationToken).ConfigureAwait(false);
        var structured = version is not { ValueKind: JsonValueKind.Object } v
            || !Version.TryParse(new string([.. (Text(v, "version") ?? string.Empty).TakeWhile(c => char.IsDigit(c) || c == '.')]).Trim('.'), out var parsed)
            || parsed >= s_structuredOutputsSince;
        return new ServerInfo { Dialect = UrialRemoteDialect.Vllm, Model = model, ContextSize = maxModelLength, ControlTokenTexts = ControlTexts(settings), UsesStructuredOutputs = structured };
    }

    private static async Task<JsonElement?> TryGetAsync(RemoteHttp http, string path, bool required, CancellationToken cancellationToken)
    {
        try
        {
            return await http.GetJsonAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (UrialRemoteEngineException ex) when (!required && ex.StatusCode is not null)
        {
            return null; // the server answered, but not this path: it is not that kind of server
        }
    }

    private static string[] ControlTexts(RemoteSettings settings, params string?[] serverTexts) =>
        [.. s_commonControlTexts.Concat(settings.ControlTokenTexts).Concat(serverTexts.OfType<string>().Where(t => t.Length > 0)).Distinct(StringComparer.Ordinal)];

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>llama-server names its model by file path; the local engine reports the file name without extension, and so does this one.</summary>
    private static string? ModelFromPath(string? path) => string.IsNullOrEmpty(path) ? null : Path.GetFileNameWithoutExtension(path.Replace('\\', '/').Split('/')[^1]);
}
