using System.Globalization;
using System.Text.Json;
using Spectre.Console;

namespace Urial.Cli;

/// <summary>Writes the shift report as JSON and as a table on the console.</summary>
internal static class ShiftReportWriter
{
    public static string ToJson(ShiftReport report) => JsonSerializer.Serialize(report, JsonOptions.Indented);

    public static void WriteSummary(ShiftReport report, CliContext context)
    {
        var table = new Table().Title(Markup.Escape($"Token distribution shift of {report.BaseModel} vs {report.AnswersSource}"));
        table.AddColumns("mode", "items", "tokens", "unshifted (1)", "marginal (2-3)", "shifted (>3)");
        foreach (var mode in report.Modes)
        {
            table.AddRow(
                mode.Mode,
                mode.Items.ToString(CultureInfo.InvariantCulture),
                mode.Tokens.ToString(CultureInfo.InvariantCulture),
                Percent(mode.UnshiftedPercent),
                Percent(mode.MarginalPercent),
                Percent(mode.ShiftedPercent));
        }

        context.Console.Write(table);
        foreach (var mode in report.Modes.Where(mode => mode.TopShiftedTokens.Count > 0))
        {
            var tokens = string.Join(", ", mode.TopShiftedTokens.Take(10).Select(token => $"{Visible(token.Text)}×{token.Count}"));
            context.Console.WriteLine($"Most shifted tokens ({mode.Mode}): {tokens}");
        }
    }

    /// <summary>Shows whitespace in a token so that a shifted newline is visible.</summary>
    public static string Visible(string text) => "'" + text.Replace("\n", "\\n", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal) + "'";

    private static string Percent(double value) => value.ToString("0.00", CultureInfo.InvariantCulture) + " %";
}
