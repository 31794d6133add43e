using Microsoft.Extensions.Options;

namespace Urial.SemanticKernel;

/// <summary>Checks <see cref="UrialOptions"/> at host start: every message names the option and what to fix.</summary>
/// <remarks>
/// This checks what every model has (prompt, sampling, overflow, middleware). A local model's file, ranges and backend are checked
/// by the <c>Urial.SemanticKernel</c> package, which registers its own validator beside this one; whether the context holds the URIAL
/// prefix needs the model's tokenizer, so that one is checked when the warm-up service loads the model.
/// </remarks>
internal sealed class UrialOptionsValidator : IValidateOptions<UrialOptions>
{
    public ValidateOptionsResult Validate(string? name, UrialOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (options.IsRemote && !string.IsNullOrWhiteSpace(options.ModelPath))
        {
            // A server registration never reads ModelPath: a configuration that names a file meant a local model, which this registration cannot run.
            errors.Add($"ModelPath is '{options.ModelPath}', but this model is registered over a server (AddUrialRemoteChatClient, AddUrialRemoteChatCompletion), " +
                "which never loads a model file. To run a local GGUF model in-process, add a PackageReference to the Urial.SemanticKernel package " +
                "(it carries the llama.cpp engine) and register with AddUrialChatClient or AddUrialChatCompletion; to use a server, remove ModelPath and set Remote:Endpoints.");
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

        return Result(name, errors);
    }

    /// <summary>Gets the result of a check of the options named <paramref name="name"/>: every error prefixed with the section it belongs to.</summary>
    internal static ValidateOptionsResult Result(string? name, List<string> errors)
    {
        var label = string.IsNullOrEmpty(name) ? "Urial" : $"Urial ('{name}')";
        return errors.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(errors.Select(error => $"{label}: {error}"));
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
}
