namespace Urial.SemanticKernel;

/// <summary>What a server told about itself when it was probed: its protocol, model, context and control-token texts.</summary>
internal sealed class ServerInfo
{
    /// <summary>Gets the protocol the server speaks (never <see cref="UrialRemoteDialect.Auto"/>).</summary>
    public required UrialRemoteDialect Dialect { get; init; }

    /// <summary>Gets the model name to send, or <see langword="null"/> when the server did not list one.</summary>
    public string? Model { get; init; }

    /// <summary>Gets the most tokens one request may take (llama.cpp: per slot), or <see langword="null"/> when unknown.</summary>
    public int? ContextSize { get; init; }

    /// <summary>Gets the texts the server's tokenizer would turn into control tokens.</summary>
    public IReadOnlyList<string> ControlTokenTexts { get; init; } = [];

    /// <summary>Gets a value indicating whether a vLLM server takes grammars in <c>structured_outputs</c> (v0.10.2 and later) rather than <c>guided_grammar</c>.</summary>
    public bool UsesStructuredOutputs { get; init; } = true;
}
