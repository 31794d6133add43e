using Xunit;

namespace Urial.SemanticKernel;

/// <summary>
/// What the engine relies on beyond agreeing with llama.cpp's sampler (<c>GbnfMatcherAgreementTests</c>): where a text stops
/// fitting, where it was last whole, the structure it writes for a model, and the bound on ambiguous grammars.
/// </summary>
public sealed class GbnfMatcherTests
{
    [Fact]
    public void Text_is_accepted_up_to_the_first_character_the_grammar_does_not_allow()
    {
        var matcher = GbnfMatcher.Create("root ::= \"ab\" [0-9]+");

        Assert.Equal(4, matcher.Accept("ab12x9"));
        Assert.True(matcher.IsComplete);
        Assert.False(matcher.IsFinished); // more digits may follow
        Assert.Equal(4, matcher.LastCompleteLength);
    }

    [Fact]
    public void The_last_whole_sentence_is_remembered_when_the_text_goes_on_without_completing_another()
    {
        var matcher = GbnfMatcher.Create("root ::= [0-9]+ (\".\" [0-9]+)?");

        Assert.Equal(3, matcher.Accept("12.x"));
        Assert.False(matcher.IsComplete); // "12." is only a prefix
        Assert.Equal(2, matcher.LastCompleteLength); // "12" was whole
    }

    [Fact]
    public void The_scaffold_is_the_structure_up_to_the_first_choice_without_optional_white_space()
    {
        var matcher = GbnfMatcher.Create("""
            root ::= "<call>\n" "{" ws "\"name\"" ws ":" ws "\"" name "\"" ws "}" "\n</call>"
            name ::= "Clock_Now" | "Clock_Set"
            ws ::= [ \t\n]{0,4}
            """);

        Assert.Equal("<call>\n{\"name\":\"Clock_", matcher.AcceptScaffold(100));
        Assert.Equal(3, matcher.Accept("Now!"));
        Assert.Equal("\"}\n</call>", matcher.AcceptScaffold(100));
        Assert.True(matcher.IsFinished);
    }

    [Fact]
    public void There_is_no_scaffold_where_the_text_may_end()
    {
        var matcher = GbnfMatcher.Create("root ::= \"a\" \"b\"?");
        Assert.Equal("a", matcher.AcceptScaffold(100));
        Assert.Equal(string.Empty, matcher.AcceptScaffold(100));
    }

    [Fact]
    public void A_grammar_whose_parses_multiply_with_the_text_is_refused_with_what_to_change()
    {
        // Found by GbnfMatcherAgreementTests: every "a" may open another optional, repeated recursion.
        var matcher = GbnfMatcher.Create("root ::= a ((root? ){1,3} \" 10\") | a a\na ::= [a-b0]\n");

        var error = Assert.Throws<InvalidOperationException>(() => matcher.Accept(new string('a', 64)));

        Assert.Contains($"more than {GbnfMatcher.MaxParseStacks} ways to continue", error.Message, StringComparison.Ordinal);
    }
}
