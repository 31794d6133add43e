using Microsoft.Extensions.Options;

namespace Urial.SemanticKernel;

/// <summary>Checks <see cref="UrialOptions"/> at host start: every message names the option and what to fix.</summary>
/// <remarks>
/// Whether the context holds the URIAL prefix needs the model's tokenizer, so that one is checked when the
/// warm-up service loads the model, which fails the host start with the engine's message.
/// </remarks>
internal sealed class UrialOptionsValidator : IValidateOptions<UrialOptions>
{
    /// <summary>The folder-name prefix of LLamaSharp's CUDA native libraries (<c>runtimes/&lt;rid&gt;/native/cuda12</c>).</summary>
    private const string CudaFolderPrefix = "cuda";

    public ValidateOptionsResult Validate(string? name, UrialOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var label = string.IsNullOrEmpty(name) ? "Urial" : $"Urial ('{name}')";
        var errors = new List<string>();

        // A model served remotely has no local file, context or backend to check: its server options are validated on their own.
        if (!options.IsRemote)
        {
            CheckLocalModel(options, errors);
        }

        CheckPrompt(options, errors);
        CheckSampling(options, errors);
        if (!Enum.IsDefined(options.ContextOverflow))
        {
            errors.Add($"ContextOverflow is {options.ContextOverflow}; use Error or DropOldestTurns.");
        }

        if ((options.Middleware & ~UrialMiddleware.Default) != 0)
        {
            errors.Add($"Middleware is {options.Middleware}; combine None, FunctionInvocation, OpenTelemetry and Logging.");
        }

        return errors.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(errors.Select(error => $"{label}: {error}"));
    }

    /// <summary>Gets a value indicating whether a CUDA build of llama.cpp was copied beside the application (by <c>LLamaSharp.Backend.Cuda12</c>).</summary>
    internal static bool IsCudaBackendInstalled(string baseDirectory)
    {
        var runtimes = Path.Combine(baseDirectory, "runtimes");
        return Directory.Exists(runtimes)
            && Directory.EnumerateDirectories(runtimes, CudaFolderPrefix + "*", SearchOption.AllDirectories).Any();
    }

    private static void CheckLocalModel(UrialOptions options, List<string> errors)
    {
        // Ranges and a missing ModelPath: the engine's own rules, so both entry points agree.
        errors.AddRange(options.ToEngineOptions(UrialPrompt.Default).Validate());
        if (!string.IsNullOrWhiteSpace(options.ModelPath))
        {
            CheckModelFile(options.ModelPath, errors);
        }

        CheckBackend(options, errors);
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

    private static void CheckPrompt(UrialOptions options, List<string> errors)
    {
        try
        {
            _ = options.LoadPrompt();
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException or ArgumentException)
        {
            errors.Add($"Prompt '{options.Prompt}' cannot be loaded: {ex.Message} Set Prompt to \"{UrialOptions.DefaultPromptName}\" or the path of a URIAL prompt file.");
        }
    }

    private static void CheckSampling(UrialOptions options, List<string> errors)
    {
        try
        {
            options.ToSamplingDefaults().Validate();
        }
        catch (ArgumentException ex)
        {
            errors.Add(ex.Message.Replace("Sampling parameter RepetitionPenalty", "Sampling parameter RepeatPenalty", StringComparison.Ordinal));
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
