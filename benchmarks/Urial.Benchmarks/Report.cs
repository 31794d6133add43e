using System.Globalization;
using System.Text;

namespace Urial.Benchmarks;

/// <summary>Collects result rows and renders them as one markdown table.</summary>
internal sealed class Report
{
    private readonly List<string[]> _rows = [];
    private readonly List<string> _notes = [];

    public void Row(string section, string measurement, string value, string ratio = "", string target = "", string verdict = "")
    {
        _rows.Add([section, measurement, value, ratio, target, verdict]);
        Console.Error.WriteLine($"  {section} | {measurement} | {value} | {ratio} | {target} | {verdict}");
    }

    public void Note(string note)
    {
        _notes.Add(note);
        Console.Error.WriteLine("  note: " + note);
    }

    public static string F(double value, string format = "F2") => value.ToString(format, CultureInfo.InvariantCulture);

    public static string Verdict(bool met, double value, double target, bool atMost) =>
        (met ? "met" : "MISSED") + $" ({(atMost ? "≤" : "≥")} {F(target)}; {F(value)})";

    public string ToMarkdown(string header)
    {
        var builder = new StringBuilder();
        builder.AppendLine(header).AppendLine();
        builder.AppendLine("| section | measurement | median [p25–p75] | ratio (median of paired ratios) | target | verdict |");
        builder.AppendLine("|---|---|---|---|---|---|");
        // Sections are numbered; a stable sort keeps each section's rows in the order they were measured.
        foreach (var row in _rows.OrderBy(r => r[0], StringComparer.Ordinal))
        {
            builder.AppendLine("| " + string.Join(" | ", row) + " |");
        }

        if (_notes.Count > 0)
        {
            builder.AppendLine();
            foreach (var note in _notes)
            {
                builder.AppendLine("- " + note);
            }
        }

        return builder.ToString();
    }
}
