using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Urial.Cli;

/// <summary>Builds the typed options the commands share, each validated by the parser with a message that says what to fix.</summary>
internal static class CliOptions
{
    /// <summary>An integer option of at least <paramref name="minimum"/>, with a default shown in help.</summary>
    public static Option<int> Integer(string name, string description, int minimum, int defaultValue)
    {
        var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => defaultValue, HelpName = "N" };
        option.Validators.Add(result => AtLeast(result, name, minimum));
        return option;
    }

    /// <summary>An optional integer option of at least <paramref name="minimum"/>; absent means "not set".</summary>
    public static Option<int?> OptionalInteger(string name, string description, int minimum)
    {
        var option = new Option<int?>(name) { Description = description, HelpName = "N" };
        option.Validators.Add(result => AtLeast(result, name, minimum));
        return option;
    }

    private static void AtLeast(OptionResult result, string name, int minimum)
    {
        // A token that is no integer at all already has the parser's own "Cannot parse" error: only ranges are checked here.
        if (result.Tokens is [var token] && int.TryParse(token.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value < minimum)
        {
            result.AddError($"Option '{name}' must be an integer of at least {minimum}, not '{token.Value}'.");
        }
    }

    /// <summary>A file or folder path option.</summary>
    public static Option<string> Path(string name, string description, bool required, string helpName = "path") =>
        new(name) { Description = description, Required = required, HelpName = helpName };

    /// <summary>Adds a rule to <paramref name="command"/> that at most one (or, with <paramref name="exactlyOne"/>, exactly one) of <paramref name="options"/> is given.</summary>
    public static void OneOf(Command command, bool exactlyOne, string message, params Option[] options) =>
        command.Validators.Add(result =>
        {
            var given = options.Count(option => result.GetResult(option) is { Implicit: false });
            if (given > 1 || (exactlyOne && given == 0))
            {
                result.AddError(message);
            }
        });
}
