using Microsoft.Extensions.Logging;

namespace Urial.SemanticKernel;

/// <summary>Adds <c>UrialChatClient.FromModel</c>: the in-process engine lives in this package, the chat client in <c>Urial.SemanticKernel.Core</c>.</summary>
/// <remarks>A static extension member keeps the call as written before the package split, without a cast or a factory interface across the packages.</remarks>
public static class UrialChatClientModelExtensions
{
    extension(UrialChatClient)
    {
        /// <summary>Creates a client that runs a local GGUF base model in-process, with the prompt's constant part evaluated once.</summary>
        /// <param name="modelPath">The path of the GGUF base model file.</param>
        /// <param name="prompt">The URIAL prompt; <see langword="null"/> uses <see cref="UrialPrompt.Default"/>.</param>
        /// <param name="configure">Changes the engine options (context size, concurrency, threads…), or <see langword="null"/>.</param>
        /// <param name="loggerFactory">The logger factory, or <see langword="null"/>.</param>
        /// <returns>A client that owns its engine: dispose it to free the model.</returns>
        /// <exception cref="ArgumentException"><paramref name="modelPath"/> is empty, or an option is invalid.</exception>
        public static UrialChatClient FromModel(string modelPath, UrialPrompt? prompt = null, Action<UrialEngineOptions>? configure = null, ILoggerFactory? loggerFactory = null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(modelPath);
            prompt ??= UrialPrompt.Default;
            var options = new UrialEngineOptions { ModelPath = modelPath, CachedPrefix = prompt.Text };
            configure?.Invoke(options);
            return UrialChatClient.Owning(new UrialEngine(options, loggerFactory), prompt);
        }
    }
}
