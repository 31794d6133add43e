using Microsoft.Extensions.Options;

namespace Urial.SemanticKernel;

/// <summary>Checks what only a local model has at host start: the model file, the engine's ranges and the backend; Core's <see cref="UrialOptionsValidator"/> checks the rest.</summary>
internal sealed class LocalModelOptionsValidator : IValidateOptions<UrialOptions>
{
    /// <summary>The folder-name prefix of LLamaSharp's CUDA native libraries (<c>runtimes/&lt;rid&gt;/native/cuda12</c>).</summary>
    private const string CudaFolderPrefix = "cuda";

    public ValidateOptionsResult Validate(string? name, UrialOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);

        // A model served remotely has no local file, context or backend to check: its server options are validated on their own.
        if (options.IsRemote)
        {
            return ValidateOptionsResult.Skip;
        }

        var errors = new List<string>();

        // Ranges and a missing ModelPath: the engine's own rules, so both entry points agree.
        errors.AddRange(options.ToEngineOptions(UrialPrompt.Default).Validate());
        if (!string.IsNullOrWhiteSpace(options.ModelPath))
        {
            CheckModelFile(options.ModelPath, errors);
        }

        CheckBackend(options, errors);
        return UrialOptionsValidator.Result(name, errors);
    }

    /// <summary>Gets a value indicating whether a CUDA build of llama.cpp was copied beside the application (by <c>LLamaSharp.Backend.Cuda12</c>).</summary>
    internal static bool IsCudaBackendInstalled(string baseDirectory)
    {
        var runtimes = Path.Combine(baseDirectory, "runtimes");
        return Directory.Exists(runtimes)
            && Directory.EnumerateDirectories(runtimes, CudaFolderPrefix + "*", SearchOption.AllDirectories).Any();
    }

    private static void CheckModelFile(string path, List<string> errors)
    {
        try
        {
            ModelFile.Validate(path);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            errors.Add("ModelPath: " + ex.Message);
        }
    }

    /// <summary>The backend's own rules are the engine's (see <see cref="UrialEngineOptions.Validate"/>); this adds what only the application folder tells.</summary>
    private static void CheckBackend(UrialOptions options, List<string> errors)
    {
        if (options.Backend == UrialBackend.Cuda && !IsCudaBackendInstalled(AppContext.BaseDirectory))
        {
            errors.Add("Backend is Cuda but no CUDA build of llama.cpp was found under runtimes/*/native/cuda*: add a PackageReference to " +
                "LLamaSharp.Backend.Cuda12 (same version as LLamaSharp), or set Backend to Auto or Cpu.");
        }
    }
}
