using CsCheck;

namespace Urial.SemanticKernel.Tests;

/// <summary>
/// Runs a property over values drawn from a CsCheck generator with a fixed, logged seed: the same cases on every run
/// and every machine. A failure names the seed and the case number, and describes the case.
/// </summary>
internal static class PropertyRun
{
    /// <summary>Checks <paramref name="property"/> on <paramref name="cases"/> × <see cref="PropertyScale.Factor"/> values.</summary>
    public static void Check<T>(Gen<T> gen, Action<T> property, int cases, ulong seed, Func<T, string> describe)
    {
        var total = cases * PropertyScale.Factor;
        TestContext.Current.SendDiagnosticMessage($"property run: seed {seed}, {total} cases");
        var pcg = new PCG(1, seed);
        for (var i = 0; i < total; i++)
        {
            var value = gen.Generate(pcg, null!, out _);
            try
            {
                property(value);
            }
            catch (Exception ex)
            {
                throw new Xunit.Sdk.XunitException($"Case {i} of seed {seed} failed: {describe(value)}{Environment.NewLine}{ex.Message}", ex);
            }
        }
    }
}
