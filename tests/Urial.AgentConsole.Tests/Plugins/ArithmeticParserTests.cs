using Urial.AgentConsole.Plugins;

namespace Urial.AgentConsole.Tests.Plugins;

public sealed class ArithmeticParserTests
{
    [Theory]
    [InlineData("1 + 2", "3")]
    [InlineData("2 + 3 * 4", "14")]
    [InlineData("(2 + 3) * 4", "20")]
    [InlineData("10 / 4", "2.5")]
    [InlineData("0.1 + 0.2", "0.3")]
    [InlineData("8 - 3 - 2", "3")]
    [InlineData("16 / 4 / 2", "2")]
    [InlineData("-3 * -(2 + 1)", "9")]
    [InlineData("+5", "5")]
    [InlineData("  ( ( 7 ) )  ", "7")]
    [InlineData("1.50 * 2", "3.00")]
    public void Evaluates_with_precedence_and_left_associativity(string expression, string expected) =>
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), ArithmeticParser.Evaluate(expression));

    [Theory]
    [InlineData("", "unexpected end")]
    [InlineData("1 +", "unexpected end")]
    [InlineData("(1 + 2", "expected ')'")]
    [InlineData("1 + 2)", "unexpected ')'")]
    [InlineData("2 ^ 3", "unexpected '^'")]
    [InlineData("1.2.3", "not a number")]
    [InlineData("System.Exit(1)", "unexpected 'S'")]
    public void Rejects_malformed_expressions_saying_where(string expression, string message)
    {
        var error = Assert.Throws<FormatException>(() => ArithmeticParser.Evaluate(expression));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Division_by_zero_throws() => Assert.Throws<DivideByZeroException>(() => ArithmeticParser.Evaluate("1 / (2 - 2)"));

    [Fact]
    public void The_plugin_returns_errors_as_text_for_the_model()
    {
        Assert.Equal("42", CalculatorPlugin.Evaluate("6 * 7"));
        Assert.StartsWith("error:", CalculatorPlugin.Evaluate("1 / 0"), StringComparison.Ordinal);
        Assert.StartsWith("error:", CalculatorPlugin.Evaluate("abc"), StringComparison.Ordinal);
    }
}
