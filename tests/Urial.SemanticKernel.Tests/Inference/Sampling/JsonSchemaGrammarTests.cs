using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit;

namespace Urial.SemanticKernel;

/// <summary>
/// The converter's structure and bounds. Which strings a grammar accepts is checked by llama.cpp's own grammar sampler
/// in the integration tests (<c>GrammarAcceptanceTests</c>, <c>SchemaInstancePropertyTests</c>); here a test-side
/// GBNF-to-regex translation (<see cref="GbnfRegex"/>) checks small cases without the native library.
/// </summary>
public sealed partial class JsonSchemaGrammarTests
{
    private static readonly JsonGrammarLimits Small = new(MaxStringLength: 8, MaxArrayItems: 4, MaxObjectProperties: 3, MaxDepth: 2, MaxIntegerDigits: 5, MaxFractionDigits: 3);

    private static string Convert(string schema, JsonGrammarLimits? limits = null) =>
        JsonSchemaGrammar.FromSchema(JsonDocument.Parse(schema, new JsonDocumentOptions { MaxDepth = 100_000 }).RootElement, limits ?? Small);

    [Fact]
    public void String_lengths_are_exact_and_capped_by_the_limit()
    {
        var bounded = GbnfRegex(Convert("""{"type":"string","minLength":2,"maxLength":5}"""));
        Assert.Matches(bounded, "\"ab\"");
        Assert.Matches(bounded, "\"abcde\"");
        Assert.DoesNotMatch(bounded, "\"a\"");
        Assert.DoesNotMatch(bounded, "\"abcdef\"");
        Assert.Contains("char{0,8}", Convert("""{"type":"string","maxLength":5000}"""), StringComparison.Ordinal);
    }

    [Fact]
    public void Declared_properties_come_in_declaration_order_with_required_ones_mandatory()
    {
        var grammar = GbnfRegex(Convert("""{"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"boolean"},"c":{"type":"null"}},"required":["b"]}"""));
        Assert.Matches(grammar, """{"b":true}""");
        Assert.Matches(grammar, """{"a":1,"b":false,"c":null}""");
        Assert.Matches(grammar, """{ "a" : -3 , "b":true }""");
        Assert.DoesNotMatch(grammar, """{"a":1}""");
        Assert.DoesNotMatch(grammar, """{"b":true,"a":1}""");
        Assert.DoesNotMatch(grammar, """{"b":true,"d":1}""");
    }

    [Fact]
    public void Enum_values_are_canonical_json_and_filtered_by_the_other_keywords()
    {
        var mixed = GbnfRegex(Convert("""{"enum":["a\"b",1,2.5,true,null,{"k": [ 1 ]}]}"""));
        Assert.Matches(mixed, "\"a\\\"b\"");
        Assert.Matches(mixed, """{"k":[1]}""");
        var filtered = GbnfRegex(Convert("""{"type":"string","enum":["a","bbbb"],"maxLength":2}"""));
        Assert.Matches(filtered, "\"a\"");
        Assert.DoesNotMatch(filtered, "\"bbbb\"");
        var denied = GbnfRegex(Convert("""{"type":"string","enum":["a","b","c"],"not":{"enum":["b"]}}"""));
        Assert.DoesNotMatch(denied, "\"b\"");
        Assert.Matches(denied, "\"c\"");
    }

    [Theory]
    [InlineData(5, 5000)]
    [InlineData(-17, 230)]
    [InlineData(-999, -12)]
    [InlineData(0, 0)]
    [InlineData(7, 100_001)]
    public void Integer_ranges_are_exact(int minimum, int maximum)
    {
        var grammar = GbnfRegex(Convert($$"""{"type":"integer","minimum":{{minimum}},"maximum":{{maximum}}}""", Small with { MaxIntegerDigits = 7 }));
        var random = new Random(minimum ^ maximum);
        var candidates = Enumerable.Range(0, 400).Select(_ => random.Next(minimum - 1000, maximum + 1000))
            .Concat([minimum - 1, minimum, minimum + 1, maximum - 1, maximum, maximum + 1, 0, 9, 10, 99, 100, 9999]);
        foreach (var value in candidates)
        {
            var text = value.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(grammar.IsMatch(text) == (value >= minimum && value <= maximum), $"{text} in [{minimum}, {maximum}]");
        }

        Assert.DoesNotMatch(grammar, "0" + maximum.ToString(System.Globalization.CultureInfo.InvariantCulture)); // no leading zeros
    }

    [Theory]
    [InlineData("""{"type":"number","exclusiveMinimum":0,"maximum":1}""", "0.5|1|0.001|1.000|0.999", "0|0.0|9.999|1.001|-0.5|2")]
    [InlineData("""{"type":"number","minimum":-2.5,"exclusiveMaximum":3.25}""", "-2.5|-2.499|0|3.249|3|-1", "-2.501|3.25|3.3|-3|4")]
    [InlineData("""{"type":"number","minimum":0.125,"maximum":0.125}""", "0.125", "0.12|0.126|0")]
    public void Number_bounds_are_exact_within_the_fraction_digits(string schema, string inside, string outside)
    {
        var grammar = GbnfRegex(Convert(schema));
        Assert.All(inside.Split('|'), text => Assert.Matches(grammar, text));
        Assert.All(outside.Split('|'), text => Assert.DoesNotMatch(grammar, text));
    }

    [Fact]
    public void Time_is_rfc_3339_with_an_offset()
    {
        var time = GbnfRegex(Convert("""{"type":"string","format":"time"}"""));
        Assert.Matches(time, "\"12:00:00Z\"");
        Assert.Matches(time, "\"23:59:59.1234567+14:00\"");
        Assert.DoesNotMatch(time, "\"12:00:00\"");
        Assert.DoesNotMatch(time, "\"24:00:00Z\"");
    }

    [Fact]
    public void Patterns_in_the_subset_become_grammar_and_others_leave_a_bounded_string()
    {
        var timeSpan = GbnfRegex(Convert("""{"type":"string","pattern":"^-?(\\d+\\.)?\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,7})?$"}"""));
        Assert.Matches(timeSpan, "\"-1.02:03:04.5\"");
        Assert.Matches(timeSpan, "\"00:00:00\"");
        Assert.DoesNotMatch(timeSpan, "\"0:00:00\"");
        var quoted = GbnfRegex(Convert("""{"type":"string","pattern":"^[\"\\\\a-]+$"}"""));
        Assert.Matches(quoted, "\"\\\"\\\\a-\"");
        Assert.DoesNotMatch(quoted, "\"b\"");
        var unanchored = GbnfRegex(Convert("""{"type":"string","pattern":"ab"}"""));
        Assert.Matches(unanchored, "\"xxaby\"");
        Assert.DoesNotMatch(unanchored, "\"xxy\"");
        Assert.Contains("char{0,8}", Convert("""{"type":"string","pattern":"^(a)\\1$"}"""), StringComparison.Ordinal); // back-reference: enforced after decoding
    }

    [Fact]
    public void AllOf_parts_are_merged()
    {
        var grammar = GbnfRegex(Convert("""{"allOf":[{"type":"object","properties":{"a":{"type":"integer","minimum":0}},"required":["a"]},{"properties":{"a":{"maximum":3},"b":{"type":"boolean"}},"required":["b"]}]}"""));
        Assert.Matches(grammar, """{"a":3,"b":true}""");
        Assert.DoesNotMatch(grammar, """{"a":4,"b":true}""");
        Assert.DoesNotMatch(grammar, """{"a":1}""");
    }

    [Fact]
    public void Disjoint_oneOf_branches_are_alternatives()
    {
        var grammar = GbnfRegex(Convert("""{"oneOf":[{"type":"boolean"},{"type":"null"}]}"""));
        Assert.Matches(grammar, "true");
        Assert.Matches(grammar, "null");
        Assert.DoesNotMatch(grammar, "1");
    }

    [Fact]
    public void Tuples_follow_prefixItems()
    {
        var grammar = GbnfRegex(Convert("""{"type":"array","prefixItems":[{"type":"integer"},{"type":"boolean"}],"items":{"type":"null"},"minItems":1}"""));
        Assert.Matches(grammar, "[1]");
        Assert.Matches(grammar, "[1,true,null]");
        Assert.DoesNotMatch(grammar, "[]");
        Assert.DoesNotMatch(grammar, "[1,null]");
    }

    [Fact]
    public void Recursive_refs_are_cut_at_MaxDepth_and_a_bare_self_reference_is_rejected()
    {
        Assert.Matches(GbnfRegex(Convert("""{"type":"object","properties":{"kids":{"type":"array","items":{"$ref":"#"}}},"required":["kids"]}""")), """{"kids":[]}""");
        Assert.Throws<ArgumentException>(() => Convert("""{"type":"object","properties":{"kids":{"type":"array","items":{"$ref":"#"},"minItems":1}},"required":["kids"]}"""));
        var e = Assert.Throws<ArgumentException>(() => Convert("""{"$ref":"#/$defs/a","$defs":{"a":{"$ref":"#/$defs/a"}}}"""));
        Assert.Contains("$ref", e.Message, StringComparison.Ordinal);
    }

    /// <summary>Issue 10: a 5,000-link $defs chain overflowed the stack in Visit/VisitRef and killed the process.</summary>
    [Fact]
    public void A_long_ref_chain_is_rejected_naming_the_limit_and_the_pointer()
    {
        var e = Assert.Throws<ArgumentException>(() => Convert(RefChain(5000)));
        Assert.Contains("MaxRefChain = 32", e.Message, StringComparison.Ordinal);
        Assert.Contains("'#/$defs/a", e.Message, StringComparison.Ordinal);
        Assert.Matches(GbnfRegex(Convert(RefChain(20))), "true");
    }

    [Fact]
    public void Deep_nesting_and_fan_out_are_rejected_naming_the_limit()
    {
        var nested = new StringBuilder();
        for (var i = 0; i < 10_000; i++)
        {
            nested.Append("{\"anyOf\":[");
        }

        nested.Append("true").Append(string.Concat(Enumerable.Repeat("]}", 10_000)));
        Assert.Contains("MaxSchemaNesting", Assert.Throws<ArgumentException>(() => Convert(nested.ToString())).Message, StringComparison.Ordinal);

        // 20 levels of 4 references each to the next level: 4^20 paths if expanded.
        var defs = string.Join(",", Enumerable.Range(0, 20).Select(i => $"\"d{i}\":{{\"anyOf\":[{string.Join(",", Enumerable.Range(0, 4).Select(k => $"{{\"allOf\":[{{\"$ref\":\"#/$defs/d{i + 1}\"}},{{\"maxLength\":{k}}}]}}"))}]}}"));
        var fanOut = "{\"$ref\":\"#/$defs/d0\",\"$defs\":{" + defs + ",\"d20\":{\"type\":\"string\"}}}";
        var error = Assert.Throws<ArgumentException>(() => Convert(fanOut));
        Assert.Matches("MaxSchemaVisits|MaxRefChain|MaxSchemaNesting", error.Message);
    }

    [Theory]
    [InlineData("""{"type":"string","pattern":"^(?=a)b$"}""")]
    [InlineData("""{"type":"object","patternProperties":{"^a":{}}}""")]
    [InlineData("""{"not":{"type":"string"}}""")]
    [InlineData("""{"if":{"type":"string"},"then":{"maxLength":2}}""")]
    [InlineData("""{"type":"array","items":{},"uniqueItems":true}""")]
    [InlineData("""{"type":"array","contains":{"type":"string"},"minContains":2}""")]
    [InlineData("""{"type":"number","multipleOf":2}""")]
    [InlineData("""{"type":"object","minProperties":1,"properties":{"a":{}}}""")]
    [InlineData("""{"type":"object","propertyNames":{"maxLength":3}}""")]
    [InlineData("""{"type":"object","dependentRequired":{"a":["b"]}}""")]
    [InlineData("""{"type":"object","unevaluatedProperties":false}""")]
    [InlineData("""{"$ref":"#/$defs/a","type":"string","$defs":{"a":{"maxLength":2}}}""")]
    [InlineData("""{"type":"string","format":"hostname"}""")]
    [InlineData("""{"oneOf":[{"type":"integer"},{"type":"number"}]}""")]
    public void No_keyword_makes_the_conversion_fail(string schema)
    {
        var grammar = Convert(schema);
        Assert.StartsWith("root ::= ", grammar, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("true")]
    public void An_empty_schema_is_any_bounded_value(string schema)
    {
        var grammar = GbnfRegex(Convert(schema));
        Assert.Matches(grammar, """{"a":[1,"x",null]}""");
        Assert.DoesNotMatch(grammar, """[[[1]]]"""); // deeper than MaxDepth = 2
        Assert.DoesNotMatch(grammar, """[1,2,3,4,5]"""); // more than MaxArrayItems = 4
    }

    [Fact]
    public void Maps_use_additionalProperties_and_property_count_bounds()
    {
        var map = GbnfRegex(Convert("""{"type":"object","additionalProperties":{"type":"boolean"},"minProperties":1,"maxProperties":2}"""));
        Assert.Matches(map, """{"x":true,"y":false}""");
        Assert.DoesNotMatch(map, "{}");
        Assert.DoesNotMatch(map, """{"x":true,"y":false,"z":true}""");
        Assert.Matches(GbnfRegex(Convert("""{"type":"object","additionalProperties":false}""")), "{}");
    }

    [Fact]
    public void Rule_names_are_kebab_case_without_underscores_and_unique()
    {
        var gbnf = Convert("""{"type":"object","properties":{"snake_case":{"type":"string","maxLength":1},"snakeCase":{"type":"string","maxLength":2},"SNAKE case":{"type":"integer","minimum":1,"maximum":2}},"required":["snake_case","snakeCase","SNAKE case"]}""");
        var names = gbnf.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l[..l.IndexOf(" ::= ", StringComparison.Ordinal)]).ToList();
        Assert.All(names, n => Assert.Matches(RuleName(), n));
        Assert.Equal(names.Count, names.Distinct().Count());
    }

    [Fact]
    public void Output_is_deterministic_and_annotations_are_ignored()
    {
        const string schema = """{"type":"object","properties":{"x":{"anyOf":[{"type":"string"},{"type":"array","items":{}}]}}}""";
        Assert.Equal(Convert(schema), Convert(schema));
        Assert.Equal(
            Convert("""{"type":"boolean"}"""),
            Convert("""{"$schema":"https://json-schema.org/draft/2020-12/schema","title":"t","description":"d","default":true,"examples":[false],"type":"boolean"}"""));
    }

    [Fact]
    public void Invalid_limits_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Convert("{}", new JsonGrammarLimits(MaxStringLength: 5000)));
        Assert.Throws<ArgumentOutOfRangeException>(() => JsonSchemaGrammar.ForAnyJsonObject(new JsonGrammarLimits(MaxIntegerDigits: 0)));
    }

    [Theory]
    [InlineData("""{"type":"string"}""")]
    [InlineData("""{"type":"object","properties":{"a":{"type":"array","items":{"type":"number"}},"b":{}}}""")]
    [InlineData("""{"type":"object"}""")]
    [InlineData("""{"type":"string","pattern":"^a*(b+|c{2,})$"}""")]
    public void Every_repetition_is_bounded(string schema)
    {
        var gbnf = Convert(schema, JsonGrammarLimits.Default);
        Assert.True(GbnfChecker.TryCheck(gbnf, "root", out var error), error);
        Assert.DoesNotMatch(UnboundedRepetition(), WithoutLiteralsAndClasses(gbnf));
        Assert.NotEqual(long.MaxValue, GbnfLengthBound.MaxBytes(gbnf));
    }

    internal static string RefChain(int links)
    {
        var defs = string.Join(",", Enumerable.Range(0, links).Select(i => $"\"a{i}\":{{\"$ref\":\"#/$defs/a{i + 1}\"}}"));
        return "{\"$ref\":\"#/$defs/a0\",\"$defs\":{" + defs + ",\"a" + links + "\":{\"type\":\"boolean\"}}}";
    }

    private static string WithoutLiteralsAndClasses(string gbnf) => LiteralOrClass().Replace(gbnf, " ");

    [GeneratedRegex(@"""(?:\\.|[^""\\])*""|\[(?:\\.|[^\]\\])*\]")]
    private static partial Regex LiteralOrClass();

    [GeneratedRegex(@"[*+]|\{\d+,\}")]
    private static partial Regex UnboundedRepetition();

    [GeneratedRegex("^[a-z0-9-]+$")]
    private static partial Regex RuleName();
}
