using System.Globalization;
using System.Text.Json;
using Xunit;

namespace Urial.SemanticKernel;

/// <summary>
/// Regression tests in both directions, with llama.cpp's grammar sampler as the oracle (<see cref="NativeGrammarAcceptor"/>):
/// the grammar accepts what the schema allows within the limits, and refuses what the schema forbids. Each case was
/// a bug: the old converter accepted 1–4 and 5001–9999 for [5, 5000], 0 and 9.99999999 for (0, 1], "bbbb" for an enum
/// with maxLength 2, and wrote times without the offset RFC 3339 requires.
/// </summary>
public sealed class GrammarAcceptanceTests(ModelFixture model)
{
    private static readonly JsonGrammarLimits Limits = JsonGrammarLimits.Default with { MaxStringLength = 16, MaxArrayItems = 4 };

    private readonly NativeGrammarAcceptor _acceptor = new(model.Weights);

    public static TheoryData<string, string, string> Cases() => new()
    {
        { """{"type":"integer","minimum":5,"maximum":5000}""", "5|6|9|10|99|100|999|1000|4999|5000|1234", "1|4|0|-5|5001|9999|05|50000" },
        { """{"type":"number","exclusiveMinimum":0,"maximum":1}""", "0.5|1|0.00000001|1.0|0.99999999", "0|0.0|9.99999999|1.00000001|-0.5|2" },
        { """{"type":"string","enum":["a","bbbb"],"maxLength":2}""", "\"a\"", "\"bbbb\"|\"b\"" },
        { """{"type":"string","format":"time"}""", "\"12:00:00Z\"|\"23:59:59.5+05:30\"", "\"12:00:00\"|\"25:00:00Z\"" },
        { """{"oneOf":[{"type":"boolean"},{"type":"object","properties":{"k":{"const":1}},"required":["k"]}]}""", "true|{\"k\":1}", "1|{}|null" },
        { """{"type":"integer","minimum":-20,"exclusiveMaximum":-3}""", "-20|-19|-4|-10", "-3|-21|0|3|-2" },
        { """{"type":"string","pattern":"^-?(\\d+\\.)?\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,7})?$"}""", "\"1.02:03:04\"|\"-00:00:00.1234567\"", "\"1:02:03\"|\"00:00:00.12345678\"" },
        { """{"type":"array","prefixItems":[{"type":"integer"},{"type":"string","maxLength":2}],"items":false}""", "[1,\"ab\"]|[]|[7]", "[1,2]|[1,\"ab\",3]" },
        { """{"allOf":[{"type":"integer","minimum":0},{"maximum":10}]}""", "0|10|5", "11|-1" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_grammar_accepts_exactly_what_the_schema_allows(string schema, string valid, string invalid)
    {
        var gbnf = JsonSchemaGrammar.FromSchema(JsonDocument.Parse(schema).RootElement, Limits);
        foreach (var text in valid.Split('|'))
        {
            Assert.True(_acceptor.Accepts(gbnf, text, out var failure), $"{text} must be accepted: {failure}\n{gbnf}");
        }

        foreach (var text in invalid.Split('|'))
        {
            Assert.False(_acceptor.Accepts(gbnf, text, out _), $"{text} must be refused\n{gbnf}");
        }
    }

    /// <summary>Random integer ranges, random values: accepted exactly when inside (the oracle is plain arithmetic).</summary>
    [Fact]
    public void Random_integer_ranges_are_exact()
    {
        var random = new Random(11);
        TestContext.Current.TestOutputHelper!.WriteLine("seed 11");
        for (var i = 0; i < 60; i++)
        {
            var a = random.NextInt64(-1_000_000, 1_000_000) / (long)Math.Pow(10, random.Next(0, 6));
            var b = a + (random.NextInt64(0, 2_000_000) / (long)Math.Pow(10, random.Next(0, 6)));
            var gbnf = JsonSchemaGrammar.FromSchema(JsonDocument.Parse($$"""{"type":"integer","minimum":{{a}},"maximum":{{b}}}""").RootElement, Limits);
            for (var j = 0; j < 12; j++)
            {
                var value = j switch { 0 => a, 1 => b, 2 => a - 1, 3 => b + 1, _ => random.NextInt64(a - (b - a) - 10, b + (b - a) + 10) };
                var text = value.ToString(CultureInfo.InvariantCulture);
                Assert.True(_acceptor.Accepts(gbnf, text, out var failure) == (value >= a && value <= b), $"{text} in [{a}, {b}]: {failure}");
            }
        }
    }
}
