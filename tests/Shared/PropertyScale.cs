using System.Globalization;

namespace Urial.Testing;

/// <summary>How many times more cases property tests run than in CI: <c>URIAL_PROPERTY_SCALE</c> (default 1), for the longer runs docs/reliability.md describes.</summary>
public static class PropertyScale
{
    /// <summary>Gets the multiplier: a positive integer.</summary>
    public static int Factor { get; } =
        int.TryParse(Environment.GetEnvironmentVariable("URIAL_PROPERTY_SCALE"), NumberStyles.None, CultureInfo.InvariantCulture, out var factor) && factor > 0 ? factor : 1;
}
