using System.CommandLine;
using Urial.SemanticKernel;

namespace Urial.Cli;

/// <summary>The settings of one <c>urial shift</c> run, validated by the parser.</summary>
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
    UrialPrompt Prompt);

/// <summary>The options of <c>urial shift</c> and the rules between them.</summary>
internal sealed class ShiftOptions
{
    private const string ChatTemplate = "chat-template";
    private const string Same = "same";

    private readonly Option<string> _base = CliOptions.Path("--base", "The base GGUF model whose distribution ranks the answers.", required: true, helpName: "base.gguf");
    private readonly Option<string> _aligned = CliOptions.Path("--aligned", "An aligned GGUF model that answers every instruction greedily.", required: false, helpName: "chat.gguf");
    private readonly Option<string> _answers = CliOptions.Path("--answers", "A just-eval style file whose items' \"output\" are the aligned answers.", required: false, helpName: "data.json");
    private readonly Option<string> _data = CliOptions.Path("--data", "The instructions: a just-eval style JSON file (id, instruction).", required: true, helpName: "instructions.json");
    private readonly Option<int?> _limit = CliOptions.OptionalInteger("--limit", "Only the first N instructions.", 1);
    private readonly Option<bool> _withUrial = new("--with-urial") { Description = "Only the URIAL prompting mode." };
    private readonly Option<bool> _withoutUrial = new("--without-urial") { Description = "Only the plain prompting mode (the instruction and a blank line)." };
    private readonly Option<bool> _both = new("--both") { Description = "Both modes over the same answers (the default)." };
    private readonly Option<string> _out = new("--out") { Description = "The output folder: caches (resumable) and the reports.", DefaultValueFactory = _ => "urial-shift", HelpName = "dir" };
    private readonly Option<int> _maxAnswerTokens = CliOptions.Integer("--max-answer-tokens", "Score (and generate) at most N answer tokens per item.", 1, 1024);
    private readonly Option<string> _alignedPrompting = new("--aligned-prompting")
    {
        Description = "How --aligned is prompted: its own chat template, or exactly like the base model (a calibration control; needs one mode).",
        DefaultValueFactory = _ => ChatTemplate,
    };

    private readonly PromptOption _prompt = new();
    private readonly ModelOptions _model = new();

    public ShiftOptions() => _alignedPrompting.AcceptOnlyFromAmong(ChatTemplate, Same);

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { _base, _aligned, _answers, _data, _limit, _withUrial, _withoutUrial, _both, _out, _maxAnswerTokens, _alignedPrompting })
        {
            command.Add(option);
        }

        _prompt.AddTo(command);
        _model.AddTo(command);
        CliOptions.OneOf(command, exactlyOne: true, "Give exactly one of --aligned (an aligned model that answers) and --answers (a file of aligned answers).", _aligned, _answers);
        CliOptions.OneOf(command, exactlyOne: false, "Give at most one of --with-urial, --without-urial and --both.", _withUrial, _withoutUrial, _both);
        command.Validators.Add(result =>
        {
            var prompting = result.GetResult(_alignedPrompting) is { Implicit: false };
            if (prompting && result.GetResult(_answers) is { Implicit: false })
            {
                result.AddError("--aligned-prompting applies to --aligned only.");
            }
            else if (result.GetValue(_alignedPrompting) == Same && !result.GetValue(_withUrial) && !result.GetValue(_withoutUrial))
            {
                result.AddError("--aligned-prompting same needs one prompting mode: add --with-urial or --without-urial.");
            }
        });
    }

    public ShiftSettings Read(ParseResult result)
    {
        IReadOnlyList<ShiftMode> modes = result.GetValue(_withUrial) ? [ShiftMode.Urial] : result.GetValue(_withoutUrial) ? [ShiftMode.Plain] : [ShiftMode.Urial, ShiftMode.Plain];
        return new ShiftSettings(
            result.GetValue(_base)!,
            result.GetValue(_aligned),
            result.GetValue(_answers),
            result.GetValue(_data)!,
            result.GetValue(_limit),
            modes,
            result.GetValue(_out)!,
            result.GetValue(_maxAnswerTokens),
            result.GetValue(_alignedPrompting) == ChatTemplate,
            _model.Read(result),
            _prompt.Read(result));
    }
}
