using System.Globalization;
using System.Net;
using System.Text;

namespace Urial.Cli;

/// <summary>Renders the shift report as one self-contained HTML page: inline CSS and SVG, no scripts, no external assets.</summary>
internal static class ShiftHtml
{
    private const string UnshiftedColor = "#4c9a2a";
    private const string MarginalColor = "#e0a526";
    private const string ShiftedColor = "#c0392b";

    public static string Render(ShiftReport report)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Token distribution shift</title>\n")
            .Append("<style>body{font-family:system-ui,sans-serif;max-width:960px;margin:2em auto;color:#222}table{border-collapse:collapse;margin:1em 0}")
            .Append("td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}th{background:#f3f3f3}td.l{text-align:left;font-family:monospace}")
            .Append(".legend span{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px;vertical-align:middle}</style></head><body>\n");
        html.Append(CultureInfo.InvariantCulture, $"<h1>Token distribution shift: {E(report.BaseModel)}</h1>\n");
        html.Append(CultureInfo.InvariantCulture, $"<p>Aligned answers: {E(report.AnswersSource)}. Data: {E(report.Data)}, {report.Items} items, at most {report.MaxAnswerTokens} answer tokens each.</p>\n");
        html.Append(CultureInfo.InvariantCulture, $"<p>Measure: {E(report.Definition)} (Lin et al., <i>The Unlocking Spell on Base LLMs</i>, ICLR 2024).</p>\n");
        html.Append(CultureInfo.InvariantCulture, $"<p class=\"legend\"><span style=\"background:{UnshiftedColor}\"></span>unshifted<span style=\"background:{MarginalColor}\"></span>marginal<span style=\"background:{ShiftedColor}\"></span>shifted</p>\n");
        html.Append("<h2>Overall</h2>\n").Append(OverallChart(report.Modes));
        html.Append("<table><tr><th>mode</th><th>items</th><th>tokens</th><th>unshifted</th><th>marginal</th><th>shifted</th><th>prompt format</th></tr>\n");
        foreach (var mode in report.Modes)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td class=\"l\">{E(mode.Mode)}</td><td>{mode.Items}</td><td>{mode.Tokens}</td><td>{P(mode.UnshiftedPercent)}</td><td>{P(mode.MarginalPercent)}</td><td>{P(mode.ShiftedPercent)}</td><td class=\"l\">{E(mode.PromptFormat)}</td></tr>\n");
        }

        html.Append("</table>\n");
        foreach (var mode in report.Modes)
        {
            html.Append(CultureInfo.InvariantCulture, $"<h2>Mode {E(mode.Mode)}: shift by answer position</h2>\n").Append(PositionChart(mode));
            html.Append(CultureInfo.InvariantCulture, $"<h2>Mode {E(mode.Mode)}: most frequently shifted tokens</h2>\n").Append(TokenChart(mode));
        }

        html.Append("</body></html>\n");
        return html.ToString();
    }

    private static string OverallChart(IReadOnlyList<ShiftModeReport> modes)
    {
        const int Width = 640, Row = 34, Left = 90;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width + Left + 20}\" height=\"{modes.Count * Row + 10}\" role=\"img\" aria-label=\"share of unshifted, marginal and shifted tokens per mode\">\n");
        for (var i = 0; i < modes.Count; i++)
        {
            var y = 5 + i * Row;
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"0\" y=\"{y + 18}\" font-size=\"13\">{E(modes[i].Mode)}</text>");
            StackedBar(svg, Left, y, Width, 24, modes[i].UnshiftedPercent, modes[i].MarginalPercent, modes[i].ShiftedPercent);
        }

        return svg.Append("</svg>\n").ToString();
    }

    private static string PositionChart(ShiftModeReport mode)
    {
        const int Width = 640, Row = 26, Left = 90;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width + Left + 120}\" height=\"{mode.ByPosition.Count * Row + 10}\" role=\"img\" aria-label=\"shift by answer position\">\n");
        for (var i = 0; i < mode.ByPosition.Count; i++)
        {
            var bucket = mode.ByPosition[i];
            var y = 5 + i * Row;
            var label = bucket.To is { } to ? $"{bucket.From}–{to}" : $"{bucket.From}+";
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"0\" y=\"{y + 14}\" font-size=\"12\">pos {label}</text>");
            StackedBar(svg, Left, y, Width, 18, bucket.UnshiftedPercent, bucket.MarginalPercent, bucket.ShiftedPercent);
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left + Width + 6}\" y=\"{y + 14}\" font-size=\"12\">{bucket.Tokens} tokens</text>\n");
        }

        return svg.Append("</svg>\n").ToString();
    }

    private static string TokenChart(ShiftModeReport mode)
    {
        if (mode.TopShiftedTokens.Count == 0)
        {
            return "<p>No shifted tokens.</p>\n";
        }

        const int Width = 480, Row = 20, Left = 110;
        var max = mode.TopShiftedTokens.Max(token => token.Count);
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width + Left + 260}\" height=\"{mode.TopShiftedTokens.Count * Row + 10}\" role=\"img\" aria-label=\"most frequently shifted tokens\">\n");
        for (var i = 0; i < mode.TopShiftedTokens.Count; i++)
        {
            var token = mode.TopShiftedTokens[i];
            var y = 5 + i * Row;
            var width = Math.Max(1.0, Width * token.Count / (double)max);
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"0\" y=\"{y + 13}\" font-size=\"12\" font-family=\"monospace\" xml:space=\"preserve\">{E(ShiftReportWriter.Visible(token.Text))}</text>");
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Left}\" y=\"{y}\" width=\"{width:0.#}\" height=\"16\" fill=\"{ShiftedColor}\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left + width + 6:0.#}\" y=\"{y + 13}\" font-size=\"12\">{token.Count} (base would say {E(ShiftReportWriter.Visible(token.BaseTopText))})</text>\n");
        }

        return svg.Append("</svg>\n").ToString();
    }

    private static void StackedBar(StringBuilder svg, double x, double y, double width, double height, double unshifted, double marginal, double shifted)
    {
        foreach (var (share, color) in new[] { (unshifted, UnshiftedColor), (marginal, MarginalColor), (shifted, ShiftedColor) })
        {
            var w = width * share / 100.0;
            if (w > 0)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x:0.##}\" y=\"{y}\" width=\"{w:0.##}\" height=\"{height}\" fill=\"{color}\"><title>{P(share)}</title></rect>");
                if (w > 44)
                {
                    svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + 4:0.##}\" y=\"{y + height - 6}\" font-size=\"11\" fill=\"#fff\">{P(share)}</text>");
                }
            }

            x += w;
        }

        svg.Append('\n');
    }

    private static string P(double value) => value.ToString("0.00", CultureInfo.InvariantCulture) + "%";

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
