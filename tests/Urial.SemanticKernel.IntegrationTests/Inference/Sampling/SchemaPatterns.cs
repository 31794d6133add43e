namespace Urial.SemanticKernel;

/// <summary>Patterns used by the generated schemas, each with a generator of strings it matches (the regex itself is the oracle: JsonSchema.Net checks every instance).</summary>
internal static class SchemaPatterns
{
    private const string Letters = "abcdefghijklmnopqrstuvwxyz";

    public static readonly (string Pattern, Func<Random, string> Example)[] All =
    [
        ("^-?(\\d+\\.)?\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,7})?$", r => $"{(r.Next(2) == 0 ? "-" : "")}{(r.Next(2) == 0 ? r.Next(0, 99) + "." : "")}{r.Next(0, 100):00}:{r.Next(0, 100):00}:{r.Next(0, 100):00}{(r.Next(2) == 0 ? "." + r.Next(0, 9999) : "")}"),
        ("^[a-z]{2,5}$", r => Word(r, r.Next(2, 6))),
        ("^(ab|cd)+$", r => string.Concat(Enumerable.Range(0, r.Next(1, 4)).Select(_ => r.Next(2) == 0 ? "ab" : "cd"))),
        ("^[A-Z]{2}-\\d{3}$", r => $"{(char)('A' + r.Next(26))}{(char)('A' + r.Next(26))}-{r.Next(0, 1000):000}"),
        ("x", r => Word(r, r.Next(0, 3)) + "x" + Word(r, r.Next(0, 3))),
        ("^[^\"\\\\]{1,4}$", r => Word(r, r.Next(1, 5))),
        ("^\\w+@\\w+\\.com$", r => Word(r, r.Next(1, 4)) + "@" + Word(r, r.Next(1, 4)) + ".com"),
        ("^(?:yes|no)?$", r => r.Next(3) switch { 0 => "yes", 1 => "no", _ => string.Empty }),
        ("^a.c$", r => "a" + Letters[r.Next(26)] + "c"),
        ("^[\"\\\\\\t]{1,3}$", r => string.Concat(Enumerable.Range(0, r.Next(1, 4)).Select(_ => "\"\\\t"[r.Next(3)]))),
    ];

    private static string Word(Random random, int length) => new([.. Enumerable.Range(0, length).Select(_ => Letters[random.Next(26)])]);
}
