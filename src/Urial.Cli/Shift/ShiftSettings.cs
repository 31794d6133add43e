using Urial.SemanticKernel;

namespace Urial.Cli;

/// <summary>The options of <c>urial shift</c>, validated once.</summary>
internal sealed record ShiftSettings(
    string BasePath,
    string? AlignedPath,
    string? AnswersPath,
    string DataPath,
    int? Limit,
    IReadOnlyList<ShiftMode> Modes,
    string OutDirectory,
    int MaxAnswerTokens,
    bool AlignedUsesChatTemplate,
    ModelSettings Model,
    UrialPrompt Prompt)
{
    public static ShiftSettings Read(Arguments options)
    {
        var basePath = options.Required("base");
        var aligned = options.Optional("aligned");
        var answers = options.Optional("answers");
        if ((aligned is null) == (answers is null))
        {
            throw new CliException("Give exactly one of --aligned (an aligned model that answers) and --answers (a file of aligned answers).");
        }

        var with = options.Flag("with-urial");
        var without = options.Flag("without-urial");
        var both = options.Flag("both");
        if ((with ? 1 : 0) + (without ? 1 : 0) + (both ? 1 : 0) > 1)
        {
            throw new CliException("Give at most one of --with-urial, --without-urial and --both.");
        }

        IReadOnlyList<ShiftMode> modes = with ? [ShiftMode.Urial] : without ? [ShiftMode.Plain] : [ShiftMode.Urial, ShiftMode.Plain];
        var alignedPrompting = options.Optional("aligned-prompting") ?? "chat-template";
        if (alignedPrompting is not ("chat-template" or "same"))
        {
            throw new CliException("--aligned-prompting is 'chat-template' (the aligned model's own template) or 'same' (exactly the base model's prompt).");
        }

        if (alignedPrompting == "same" && modes.Count != 1)
        {
            throw new CliException("--aligned-prompting same needs one prompting mode: add --with-urial or --without-urial.");
        }

        if (answers is not null && options.Optional("aligned-prompting") is not null)
        {
            throw new CliException("--aligned-prompting applies to --aligned only.");
        }

        return new ShiftSettings(
            basePath,
            aligned,
            answers,
            options.Required("data"),
            options.OptionalInt("limit", 1),
            modes,
            options.Optional("out") ?? "urial-shift",
            options.OptionalInt("max-answer-tokens", 1) ?? 1024,
            alignedPrompting == "chat-template",
            ModelSettings.Read(options),
            PromptOption.Read(options));
    }
}
