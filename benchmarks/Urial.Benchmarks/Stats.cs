namespace Urial.Benchmarks;

/// <summary>Order statistics over repeated measurements.</summary>
internal static class Stats
{
    public static double Median(IReadOnlyList<double> values) => Quantile(values, 0.5);

    public static double Quantile(IReadOnlyList<double> values, double q)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToArray();
        var position = q * (sorted.Length - 1);
        var low = (int)Math.Floor(position);
        var high = (int)Math.Ceiling(position);
        return sorted[low] + ((sorted[high] - sorted[low]) * (position - low));
    }

    /// <summary>The median of the per-repetition ratios a[i]/b[i]: each pair was measured back to back, so drift in machine load cancels.</summary>
    public static double PairedRatio(IReadOnlyList<double> a, IReadOnlyList<double> b) =>
        Median(a.Zip(b, (x, y) => x / y).ToArray());

    /// <summary>Formats the median with the interquartile range.</summary>
    public static string Describe(IReadOnlyList<double> values, string format = "F2") =>
        $"{Median(values).ToString(format, System.Globalization.CultureInfo.InvariantCulture)} " +
        $"[{Quantile(values, 0.25).ToString(format, System.Globalization.CultureInfo.InvariantCulture)}–{Quantile(values, 0.75).ToString(format, System.Globalization.CultureInfo.InvariantCulture)}]";
}
