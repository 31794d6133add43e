using System.Text;
using Xunit;

namespace Urial.SemanticKernel;

/// <summary>
/// The managed GBNF checker on hand-picked grammars. Whether it agrees with llama.cpp's own parser on random grammars is
/// proved against the native parser in the integration tests; here are the grammars that crash or hang llama.cpp, which
/// can only be tested where the checker stands in front of it.
/// </summary>
public sealed class GbnfCheckerTests
{
    [Theory]
    [InlineData("root ::= \"yes\" | \"no\"")]
    [InlineData("root ::= item (\",\" item)*\nitem ::= [a-zA-Z0-9-]+ | \"\\\"\" [^\"\\\\]{0,20} \"\\\"\"\n")]
    [InlineData("# a comment\r\nroot ::= ( \"a\"\n  | \"b\" ) # trailing\r\n")]
    [InlineData("root ::= \"\\x41\\u00e9\\U0001F600\\t\\r\\n\\\\\\\"\\[\\]\" .")]
    [InlineData("root ::= [^\\n]{2,5} \"x\"{3} \"y\"{1,} \"z\"?")]
    [InlineData("root ::= a\na ::= \"1\"\na ::= \"2\"")]
    [InlineData("root ::= opt \"x\"\nopt ::= \"a\" |")]
    public void Accepts_grammars_llama_cpp_accepts(string gbnf) =>
        Assert.True(GbnfChecker.TryCheck(gbnf, "root", out var error), error);

    [Theory]
    [InlineData("root ::= undefined", "undefined rule 'undefined'")]
    [InlineData("root ::= my_rule\nmy_rule ::= \"x\"", "expecting newline or end")]
    [InlineData("root ::= (\"a\" | \"b\"", "expecting ')'")]
    [InlineData("root ::= \"unterminated", "unexpected end of input")]
    [InlineData("root ::= [a-z", "unexpected end of input")]
    [InlineData("root ::= \"\\q\"", "unknown escape")]
    [InlineData("root ::= \"\\x4\"", "expecting 2 hex digits")]
    [InlineData("root ::= * \"a\"", "expecting an item before a repetition")]
    [InlineData("root ::= \"a\"\n | \"b\"", "expecting a rule name")]
    [InlineData("root = \"a\"", "expecting ::=")]
    [InlineData("root ::= \"a\"{2001}", "above 2000 exceeds llama.cpp's limit")]
    [InlineData("root ::= \"a\"{0,2001}", "above 2000 exceeds llama.cpp's limit")]
    [InlineData("root ::= \"a\"{2000}", "exceeds llama.cpp's limit of 2000")]
    [InlineData("root ::= (\"a\" \"b\"){100}{100}", "exceeds llama.cpp's limit of 2000")]
    [InlineData("root ::= root \"a\" | \"b\"", "left-recursive")]
    [InlineData("root ::= e \"x\"\ne ::= | root", "left-recursive")]
    [InlineData("root ::= <[12]>", "token references")]
    [InlineData("", "empty")]
    [InlineData("other ::= \"x\"", "no rule named 'root'")]
    public void Rejects_what_llama_cpp_rejects_and_says_why(string gbnf, string reason)
    {
        Assert.False(GbnfChecker.TryCheck(gbnf, "root", out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
        Assert.StartsWith("The grammar is not valid GBNF: ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_20000_nested_groups_that_overflow_llama_cpps_parser()
    {
        var gbnf = "root ::= " + new string('(', 20_000) + "\"a\"" + new string(')', 20_000);

        var error = Assert.Throws<ArgumentException>(() => GbnfChecker.Validate(gbnf, "root", "grammar"));

        Assert.Contains($"nested more than {GbnfLimits.MaxNestingDepth} deep", error.Message, StringComparison.Ordinal);
        Assert.Equal("grammar", error.ParamName);
    }

    [Fact]
    public void Accepts_nesting_up_to_the_bound() =>
        Assert.True(GbnfChecker.TryCheck("root ::= " + new string('(', GbnfLimits.MaxNestingDepth) + "\"a\"" + new string(')', GbnfLimits.MaxNestingDepth), "root", out var error), error);

    [Fact]
    public void Refuses_a_repetition_whose_maximum_is_below_its_minimum_which_loops_llama_cpp_about_2_to_the_64_times()
    {
        Assert.False(GbnfChecker.TryCheck("root ::= \"a\"{5,2}", "root", out var error));
        Assert.Contains("maximum below its minimum", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_a_100000_rule_left_chain_that_overflows_llama_cpps_left_recursion_check()
    {
        var gbnf = new StringBuilder("root ::= r0\n");
        for (var i = 0; i < 100_000; i++)
        {
            gbnf.Append(System.Globalization.CultureInfo.InvariantCulture, $"r{i} ::= r{i + 1}\n");
        }

        gbnf.Append("r100000 ::= \"a\"\n");

        Assert.False(GbnfChecker.TryCheck(gbnf.ToString(), "root", out var error));
        Assert.Contains("bound", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_a_chain_of_shared_rules_whose_left_recursion_check_and_first_expansion_are_exponential()
    {
        // llama.cpp's check revisits r(i+1) once per alternative of r(i): 2^25 visits; its first expansion opens 2^25 stacks.
        var gbnf = new StringBuilder("root ::= r0\n");
        for (var i = 0; i < 25; i++)
        {
            gbnf.Append(System.Globalization.CultureInfo.InvariantCulture, $"r{i} ::= r{i + 1} | r{i + 1} \"x\"\n");
        }

        gbnf.Append("r25 ::= \"a\"\n");

        Assert.False(GbnfChecker.TryCheck(gbnf.ToString(), "root", out var error));
        Assert.Contains("left-recursion check would visit about", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_a_left_recursion_through_rules_that_match_nothing_which_llama_cpp_expands_until_memory_runs_out()
    {
        // llama.cpp counts a rule as possibly empty only when an alternative is written empty: "empty" is not, so its
        // check passes, and its first expansion (root → item → empty → root …) grew past 1.9 GB in 30 s (found by the agreement test).
        Assert.False(GbnfChecker.TryCheck("root ::= item \"x\" | \"y\"\nitem ::= empty root\nempty ::= () ()", "root", out var error));
        Assert.Contains("can start with itself through rules that may match nothing", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_a_left_chain_deeper_than_the_bound()
    {
        var gbnf = new StringBuilder("root ::= r0\n");
        for (var i = 0; i < GbnfLimits.MaxLeftChainDepth + 10; i++)
        {
            gbnf.Append(System.Globalization.CultureInfo.InvariantCulture, $"r{i} ::= r{i + 1} \"b\"\n");
        }

        gbnf.Append(System.Globalization.CultureInfo.InvariantCulture, $"r{GbnfLimits.MaxLeftChainDepth + 10} ::= \"a\"\n");

        Assert.False(GbnfChecker.TryCheck(gbnf.ToString(), "root", out var error));
        Assert.Contains($"a chain of more than {GbnfLimits.MaxLeftChainDepth} rules", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_an_expansion_into_more_parse_stacks_than_the_bound()
    {
        // After "s" the sampler holds one stack per alternative and matches each against every candidate token.
        var words = Enumerable.Range(0, (int)GbnfLimits.MaxExpansionPaths + 1).Select(i => $"\"w{i}\"");
        var gbnf = "root ::= \"s\" word\nword ::= " + string.Join(" | ", words) + "\n";

        Assert.False(GbnfChecker.TryCheck(gbnf, "root", out var error));
        Assert.Contains("parse stacks", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_a_grammar_longer_than_the_bound_without_parsing_it()
    {
        var gbnf = "root ::= \"" + new string('a', GbnfLimits.MaxLength) + "\"";

        Assert.False(GbnfChecker.TryCheck(gbnf, "root", out var error));
        Assert.Contains($"more than {GbnfLimits.MaxLength}", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_repetitions_that_write_out_more_than_the_element_bound()
    {
        // 1,999 copies of a 1,000-character literal: about two million elements llama.cpp would allocate.
        var gbnf = "root ::= \"" + new string('a', 1_000) + "\"{1999}";

        Assert.False(GbnfChecker.TryCheck(gbnf, "root", out var error));
        Assert.Contains("elements", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_more_rules_than_the_bound_counting_generated_ones()
    {
        var gbnf = new StringBuilder("root ::= \"a\"");
        for (var i = 0; i < 10; i++)
        {
            gbnf.Append(" \"b\"{0,1999}");
        }

        Assert.False(GbnfChecker.TryCheck(gbnf.ToString(), "root", out var error));
        Assert.Contains($"more than {GbnfLimits.MaxRules} rules", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_a_start_rule_named_only_in_a_removed_reference_which_llama_cpp_would_read_past_its_rule_table()
    {
        Assert.True(GbnfChecker.TryCheck("root ::= x{0}", "root", out var error), error);
        Assert.False(GbnfChecker.TryCheck("root ::= x{0}", "x", out error));
        Assert.Contains("defines no rule named 'x'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_a_NUL_character()
    {
        Assert.False(GbnfChecker.TryCheck("root ::= \"a\"\0\"b\"", "root", out var error));
        Assert.Contains("NUL", error, StringComparison.Ordinal);
    }
}
