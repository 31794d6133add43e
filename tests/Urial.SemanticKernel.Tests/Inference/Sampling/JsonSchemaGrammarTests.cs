using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit;

namespace Urial.SemanticKernel;

public sealed partial class JsonSchemaGrammarTests
{
    private static readonly JsonGrammarLimits Small = new(MaxStringLength: 8, MaxArrayItems: 4, MaxObjectProperties: 3, MaxDepth: 2, MaxIntegerDigits: 5, MaxFractionDigits: 3, MaxExponentDigits: 2);

    private static string Convert(string schema, JsonGrammarLimits? limits = null) =>
        JsonSchemaGrammar.FromSchema(JsonDocument.Parse(schema).RootElement, limits ?? Small);

    private static string Lines(params string[] lines) => string.Join("\n", lines) + "\n";

    [Fact]
    public void StringWithLengthBounds()
    {
        Assert.Equal(
            Lines(
                "root ::= string-2-5",
                "char ::= [^\"\\\\\\x7F\\x00-\\x1F] | \"\\\\\" ([\"\\\\/bfnrt] | \"u\" [0-9a-fA-F]{4})",
                "string-2-5 ::= \"\\\"\" char{2,5} \"\\\"\""),
            Convert("""{"type":"string","minLength":2,"maxLength":5}"""));
    }

    [Fact]
    public void MaxLengthIsCappedByTheLimit()
    {
        Assert.Contains("char{0,8}", Convert("""{"type":"string","maxLength":5000}"""), StringComparison.Ordinal);
    }

    [Fact]
    public void ObjectWithRequiredAndOptionalPropertiesInDeclarationOrder()
    {
        Assert.Equal(
            Lines(
                "root ::= value",
                "ws ::= \" \"?",
                "integer ::= \"-\"? (\"0\" | [1-9] [0-9]{0,4})",
                "a-kv ::= \"\\\"a\\\"\" ws \":\" ws integer",
                "boolean ::= \"true\" | \"false\"",
                "b-kv ::= \"\\\"b\\\"\" ws \":\" ws boolean",
                "null ::= \"null\"",
                "c-kv ::= \"\\\"c\\\"\" ws \":\" ws null",
                "value ::= \"{\" ws (a-kv ws \",\" ws b-kv (ws \",\" ws c-kv)? | b-kv (ws \",\" ws c-kv)?) ws \"}\""),
            Convert("""{"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"boolean"},"c":{"type":"null"}},"required":["b"]}"""));
    }

    [Fact]
    public void AllOptionalPropertiesAllowAnEmptyObject()
    {
        var gbnf = Convert("""{"type":"object","properties":{"a":{"type":"boolean"},"b":{"type":"boolean"}}}""");
        Assert.Contains("value ::= \"{\" ws (a-kv (ws \",\" ws b-kv)? | b-kv)? ws \"}\"", gbnf, StringComparison.Ordinal);
    }

    [Fact]
    public void EnumOfMixedValuesUsesEscapedCanonicalJson()
    {
        Assert.Equal(
            Lines("root ::= value", "value ::= \"\\\"a\\\\\\\"b\\\"\" | \"1\" | \"2.5\" | \"true\" | \"null\" | \"{\\\"k\\\":[1]}\""),
            Convert("""{"enum":["a\"b",1,2.5,true,null,{"k": [ 1 ]}]}"""));
    }

    [Fact]
    public void NullableEnumKeepsNull()
    {
        Assert.Equal(
            Lines("root ::= value", "value ::= \"\\\"Red\\\"\" | \"null\""),
            Convert("""{"type":["string","null"],"enum":["Red",null]}"""));
    }

    [Fact]
    public void ConstStringIsEscaped()
    {
        Assert.Equal(Lines("root ::= value", "value ::= \"\\\"back\\\\\\\\slash\\\\n\\\"\""), Convert("""{"const":"back\\slash\n"}"""));
    }

    [Fact]
    public void SmallIntegerRangesAreExact()
    {
        Assert.Equal(Lines("root ::= value", "value ::= \"-1\" | \"0\" | \"1\" | \"2\""), Convert("""{"type":"integer","minimum":-1,"exclusiveMaximum":3}"""));
    }

    [Fact]
    public void WideIntegerRangesBoundSignAndDigits()
    {
        Assert.Equal(Lines("root ::= value", "value ::= [1-9] [0-9]{2,5}"), Convert("""{"type":"integer","minimum":100,"maximum":100000}"""));
        Assert.Equal(Lines("root ::= value", "value ::= (\"0\") | ([1-9] [0-9]{0,4})"), Convert("""{"type":"integer","minimum":0}"""));
    }

    [Fact]
    public void NumberIsBounded()
    {
        Assert.Equal(
            Lines("root ::= number", "number ::= \"-\"? (\"0\" | [1-9] [0-9]{0,4}) (\".\" [0-9]{1,3})? ([eE] [-+]? [0-9]{1,2})?"),
            Convert("""{"type":"number"}"""));
        Assert.DoesNotContain("\"-\"", Convert("""{"type":"number","minimum":0}"""), StringComparison.Ordinal);
    }

    [Fact]
    public void ArrayBounds()
    {
        Assert.Equal(
            Lines("root ::= value", "boolean ::= \"true\" | \"false\"", "ws ::= \" \"?", "value ::= \"[\" ws boolean (ws \",\" ws boolean){1,2} ws \"]\""),
            Convert("""{"type":"array","items":{"type":"boolean"},"minItems":2,"maxItems":3}"""));
        Assert.Contains("(ws \",\" ws boolean){0,3}", Convert("""{"type":"array","items":{"type":"boolean"}}"""), StringComparison.Ordinal);
    }

    [Fact]
    public void Formats()
    {
        Assert.Contains("uuid ::= \"\\\"\" [0-9a-fA-F]{8} \"-\"", Convert("""{"type":"string","format":"uuid"}"""), StringComparison.Ordinal);
        Assert.Contains("date-time ::= \"\\\"\" date-core \"T\" time-core time-offset \"\\\"\"", Convert("""{"type":"string","format":"date-time"}"""), StringComparison.Ordinal);
        Assert.Contains("root ::= date\n", Convert("""{"type":"string","format":"date"}"""), StringComparison.Ordinal);
        Assert.Contains("root ::= time\n", Convert("""{"type":"string","format":"time"}"""), StringComparison.Ordinal);
        Assert.Contains("root ::= string\n", Convert("""{"type":"string","format":"email"}"""), StringComparison.Ordinal);
    }

    [Fact]
    public void AnyOfAndNullableTypes()
    {
        Assert.Equal(
            Lines("root ::= value", "boolean ::= \"true\" | \"false\"", "null ::= \"null\"", "value ::= boolean | null"),
            Convert("""{"anyOf":[{"type":"boolean"},{"type":"null"}]}"""));
        Assert.Equal(
            Lines("root ::= value", "boolean ::= \"true\" | \"false\"", "null ::= \"null\"", "value ::= boolean | null"),
            Convert("""{"type":["boolean","null"]}"""));
    }

    [Fact]
    public void RefsToDefsAndDefinitionsAreShared()
    {
        var gbnf = Convert("""{"type":"object","properties":{"a":{"$ref":"#/$defs/flag"},"b":{"$ref":"#/definitions/flag"}},"required":["a","b"],"$defs":{"flag":{"type":"boolean"}},"definitions":{"flag":{"type":"boolean"}}}""");
        Assert.Contains("a-kv ::= \"\\\"a\\\"\" ws \":\" ws boolean", gbnf, StringComparison.Ordinal);
        Assert.Contains("b-kv ::= \"\\\"b\\\"\" ws \":\" ws boolean", gbnf, StringComparison.Ordinal);
    }

    [Fact]
    public void RecursiveRefsAreCutAtMaxDepth()
    {
        // depth 0: root object; depth 1: kids array; depth 2: would be a nested object, beyond MaxDepth = 2.
        var gbnf = Convert("""{"type":"object","properties":{"kids":{"type":"array","items":{"$ref":"#"}}},"required":["kids"]}""");
        Assert.Contains("\"[\" ws \"]\"", gbnf, StringComparison.Ordinal);
        Assert.Throws<NotSupportedException>(() => Convert("""{"type":"object","properties":{"kids":{"type":"array","items":{"$ref":"#"},"minItems":1}},"required":["kids"]}"""));
    }

    [Fact]
    public void SelfReferenceWithoutNestingIsRejected()
    {
        var e = Assert.Throws<NotSupportedException>(() => Convert("""{"$ref":"#/$defs/a","$defs":{"a":{"$ref":"#/$defs/a"}}}"""));
        Assert.Contains("'$ref'", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("true")]
    public void EmptySchemaIsAnyBoundedValue(string schema)
    {
        var gbnf = Convert(schema);
        Assert.StartsWith("root ::= value-0\n", gbnf, StringComparison.Ordinal);
        Assert.Contains("value-1 ::= object-1 | array-1 | string | number | boolean | null", gbnf, StringComparison.Ordinal);
        Assert.Contains("scalar ::= string | number | boolean | null", gbnf, StringComparison.Ordinal); // at MaxDepth
        Assert.Contains("(ws \",\" ws string ws \":\" ws value-1){0,2}", gbnf, StringComparison.Ordinal); // MaxObjectProperties 3
        Assert.Contains("(ws \",\" ws value-1){0,3}", gbnf, StringComparison.Ordinal); // MaxArrayItems 4
    }

    [Fact]
    public void AnyJsonObjectIsBounded()
    {
        var gbnf = JsonSchemaGrammar.ForAnyJsonObject(Small);
        Assert.StartsWith("root ::= object-0\n", gbnf, StringComparison.Ordinal);
        Assert.Contains("ws ::= \" \"?", gbnf, StringComparison.Ordinal);
        Assert.Contains("char{0,8}", gbnf, StringComparison.Ordinal);
        Assert.DoesNotMatch(UnboundedRepetition(), WithoutLiteralsAndClasses(gbnf));
    }

    [Fact]
    public void MapsUseAdditionalProperties()
    {
        var gbnf = Convert("""{"type":"object","additionalProperties":{"type":"boolean"}}""");
        Assert.Contains("value-0 ::= \"{\" ws (string ws \":\" ws boolean (ws \",\" ws string ws \":\" ws boolean){0,2})? ws \"}\"", gbnf, StringComparison.Ordinal);
        Assert.Contains("::= \"{\" ws \"}\"", Convert("""{"type":"object","additionalProperties":false}"""), StringComparison.Ordinal);
    }

    [Fact]
    public void NumericStringPatternOnlyDropsTheStringBranch()
    {
        Assert.StartsWith("root ::= integer\n", Convert("""{"type":["string","integer"],"pattern":"^-?\\d+$"}"""), StringComparison.Ordinal);
    }

    [Fact]
    public void RuleNamesAreKebabCaseWithoutUnderscoresAndDeduplicated()
    {
        var gbnf = Convert("""{"type":"object","properties":{"snake_case":{"type":"string","maxLength":1},"snakeCase":{"type":"string","maxLength":2},"SNAKE case":{"type":"integer","minimum":1,"maximum":2}},"required":["snake_case","snakeCase","SNAKE case"]}""");
        var names = gbnf.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l[..l.IndexOf(" ::= ", StringComparison.Ordinal)]).ToList();
        Assert.All(names, n => Assert.Matches(RuleName(), n));
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.Contains("snake-case-kv ::= \"\\\"snake_case\\\"\"", gbnf, StringComparison.Ordinal);
        Assert.Contains("snake-case-kv-2 ::= \"\\\"snakeCase\\\"\"", gbnf, StringComparison.Ordinal);
        Assert.Contains("snake-case-kv-3 ::= \"\\\"SNAKE case\\\"\"", gbnf, StringComparison.Ordinal);
    }

    [Fact]
    public void OutputIsDeterministic()
    {
        const string schema = """{"type":"object","properties":{"x":{"anyOf":[{"type":"string"},{"type":"array","items":{}}]}}}""";
        Assert.Equal(Convert(schema), Convert(schema));
    }

    [Theory]
    [InlineData("""{"type":"string","pattern":"^a$"}""", "pattern", "#/pattern")]
    [InlineData("""{"type":"object","patternProperties":{"^a":{}}}""", "patternProperties", "#/patternProperties")]
    [InlineData("""{"not":{"type":"string"}}""", "not", "#/not")]
    [InlineData("""{"if":{"type":"string"},"then":{}}""", "if", "#/if")]
    [InlineData("""{"allOf":[{"type":"string"},{"maxLength":3}]}""", "allOf", "#/allOf")]
    [InlineData("""{"type":"array","prefixItems":[{"type":"string"}]}""", "prefixItems", "#/prefixItems")]
    [InlineData("""{"type":"array","items":{},"uniqueItems":true}""", "uniqueItems", "#/uniqueItems")]
    [InlineData("""{"type":"array","contains":{"type":"string"}}""", "contains", "#/contains")]
    [InlineData("""{"type":"number","multipleOf":2}""", "multipleOf", "#/multipleOf")]
    [InlineData("""{"type":"object","minProperties":1}""", "minProperties", "#/minProperties")]
    [InlineData("""{"type":"object","propertyNames":{"maxLength":3}}""", "propertyNames", "#/propertyNames")]
    [InlineData("""{"type":"object","dependentRequired":{"a":["b"]}}""", "dependentRequired", "#/dependentRequired")]
    [InlineData("""{"type":"object","unevaluatedProperties":false}""", "unevaluatedProperties", "#/unevaluatedProperties")]
    [InlineData("""{"type":"object","properties":{"a b":{"type":"array","items":{"type":"string","pattern":"x"}}}}""", "pattern", "#/properties/a b/items/pattern")]
    [InlineData("""{"$ref":"#/$defs/a","$defs":{"a":{"not":{}}}}""", "not", "#/$defs/a/not")]
    [InlineData("""{"$ref":"#/$defs/a","type":"string","$defs":{"a":{}}}""", "type", "#/type")]
    [InlineData("""{"$ref":"other.json#/a"}""", "$ref", "#/$ref")]
    public void UnsupportedKeywordsThrowNamingKeywordAndPath(string schema, string keyword, string path)
    {
        var e = Assert.Throws<NotSupportedException>(() => Convert(schema));
        Assert.Contains($"'{keyword}'", e.Message, StringComparison.Ordinal);
        Assert.Contains($"'{path}'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnnotationsAreIgnored()
    {
        Assert.Equal(
            Convert("""{"type":"boolean"}"""),
            Convert("""{"$schema":"https://json-schema.org/draft/2020-12/schema","title":"t","description":"d","default":true,"examples":[false],"type":"boolean"}"""));
    }

    [Fact]
    public void InvalidLimitsAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Convert("{}", new JsonGrammarLimits(MaxStringLength: 5000)));
        Assert.Throws<ArgumentOutOfRangeException>(() => JsonSchemaGrammar.ForAnyJsonObject(new JsonGrammarLimits(MaxArrayItems: 0)));
    }

    [Theory]
    [InlineData("""{"type":"string"}""")]
    [InlineData("""{"type":"object","properties":{"a":{"type":"array","items":{"type":"number"}},"b":{}}}""")]
    [InlineData("""{"type":"object"}""")]
    public void EveryRepetitionIsBounded(string schema)
    {
        var gbnf = Convert(schema, JsonGrammarLimits.Default);
        Assert.DoesNotMatch(UnboundedRepetition(), WithoutLiteralsAndClasses(gbnf));
    }

    private static string WithoutLiteralsAndClasses(string gbnf) => LiteralOrClass().Replace(gbnf, " ");

    [GeneratedRegex(@"""(?:\\.|[^""\\])*""|\[(?:\\.|[^\]\\])*\]")]
    private static partial Regex LiteralOrClass();

    [GeneratedRegex(@"[*+]|\{\d+,\}")]
    private static partial Regex UnboundedRepetition();

    [GeneratedRegex("^[a-z0-9-]+$")]
    private static partial Regex RuleName();
}
