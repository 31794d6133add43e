namespace Urial.SemanticKernel;

/// <summary>The HTTP protocol a remote engine speaks to its servers.</summary>
public enum UrialRemoteDialect
{
    /// <summary>Detected when the engine warms up: llama.cpp when <c>/props</c> answers, vLLM when <c>/v1/models</c> reports <c>max_model_len</c>, else plain OpenAI-compatible completions.</summary>
    Auto,

    /// <summary>llama.cpp's <c>llama-server</c>: native <c>/completion</c> with <c>grammar</c> and <c>cache_prompt</c>, <c>/tokenize</c>, the slot context from <c>/props</c>.</summary>
    LlamaCpp,

    /// <summary>vLLM: <c>/v1/completions</c> with <c>structured_outputs</c> (or the older <c>guided_grammar</c>), <c>/tokenize</c>, <c>max_model_len</c> from <c>/v1/models</c>.</summary>
    Vllm,

    /// <summary>Any OpenAI-compatible <c>/v1/completions</c> server (TGI, Ollama, LM Studio, a gateway): no grammar and no tokenizer; grammar-bound output is checked after decoding.</summary>
    OpenAICompatible,
}
