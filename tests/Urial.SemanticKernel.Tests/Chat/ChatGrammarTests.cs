using System.ComponentModel;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;

namespace Urial.SemanticKernel.Tests.Chat;

public partial class ChatGrammarTests
{
    public sealed record Line(string Sku, [property: Description("count")] int Quantity, decimal Price, List<string> Notes);

    public sealed record Order(Guid Id, DateTimeOffset Placed, Line[] Lines, Dictionary<string, string> Tags, Customer Customer, TimeSpan Delay);

    public sealed record Customer(string Name, [property: System.ComponentModel.DataAnnotations.EmailAddress] string Email, Uri Site, Customer? Referrer);

    /// <summary>
    /// The managed GBNF checker refuses grammars over 256 KB, 2,000 rules or a group nesting of 32: the largest realistic
    /// output (many tools with nested schemas, several calls, a response format, default limits) stays within them.
    /// </summary>
    [Fact]
    public void Many_tools_with_nested_schemas_stay_within_the_grammar_bounds()
    {
        var tools = Enumerable.Range(0, 40).Select(i => (AITool)AIFunctionFactory.Create((Order order, Customer customer, int[] ids, string note) => i, $"Shop_Tool{i}", "A tool.")).ToList();
        var options = new ChatOptions
        {
            Tools = tools,
            ToolMode = ChatToolMode.Auto,
            AllowMultipleToolCalls = true,
            ResponseFormat = ChatResponseFormat.ForJsonSchema(AIJsonUtilities.CreateJsonSchema(typeof(Order))),
            MaxOutputTokens = 4000,
        };

        var plan = ChatGrammar.Plan(PromptTools.From(options), options, JsonGrammarLimits.Default);

        var gbnf = plan.Grammar!.Gbnf;
        var rules = gbnf.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
        Assert.True(gbnf.Length < 256 * 1024, $"{gbnf.Length} characters");
        Assert.True(rules < 2000, $"{rules} rules");
        Assert.True(MaxNesting(gbnf) < 32, $"nesting {MaxNesting(gbnf)}");
        Assert.True(GbnfLengthBound.MaxBytes(gbnf) < 4000, "planned within the budget");
        Assert.True(GbnfChecker.TryCheck(gbnf, "root", out var error), error); // the engine's managed checker accepts it
    }

    [Fact]
    public void A_schema_whose_grammar_would_exceed_the_bounds_is_refused_naming_the_limit()
    {
        // 3,000 distinct enum-valued properties: more rules than any grammar may have.
        var properties = string.Join(",", Enumerable.Range(0, 3000).Select(i => $"\"p{i}\":{{\"const\":{i}}}"));
        var schema = System.Text.Json.JsonDocument.Parse("{\"type\":\"object\",\"properties\":{" + properties + "}}").RootElement;

        var error = Assert.Throws<ArgumentException>(() => JsonSchemaGrammar.FromSchema(schema, JsonGrammarLimits.Default));

        Assert.Matches("MaxGrammarRules|MaxGrammarLength", error.Message);
    }

    // The deepest nesting of parentheses outside literals and classes (a test-side count, independent of the converter).
    private static int MaxNesting(string gbnf)
    {
        var deepest = 0;
        foreach (var line in gbnf.Split('\n'))
        {
            var depth = 0;
            foreach (var c in LiteralOrClass().Replace(line, " "))
            {
                depth += c == '(' ? 1 : c == ')' ? -1 : 0;
                deepest = Math.Max(deepest, depth);
            }
        }

        return deepest;
    }

    [GeneratedRegex(@"""(?:\\.|[^""\\])*""|\[(?:\\.|[^\]\\])*\]")]
    private static partial Regex LiteralOrClass();
}
