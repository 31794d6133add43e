using System.Globalization;

namespace Urial.AgentConsole.Plugins;

/// <summary>
/// Evaluates <c>+ - * / ( )</c> over decimals with a recursive-descent parser, so the model's tool call can never
/// run code: the only thing this grammar can do is arithmetic.
/// </summary>
/// <remarks>
/// Grammar: <c>expr := term (('+'|'-') term)*</c>, <c>term := unary (('*'|'/') unary)*</c>,
/// <c>unary := ('+'|'-') unary | primary</c>, <c>primary := number | '(' expr ')'</c>.
/// <see cref="decimal"/> keeps 0.1 + 0.2 equal to 0.3, which is what a person asking a calculator expects.
/// </remarks>
internal sealed class ArithmeticParser
{
    private readonly string _text;
    private int _position;

    private ArithmeticParser(string text) => _text = text;

    /// <summary>Evaluates an arithmetic expression.</summary>
    /// <param name="expression">The expression, for example <c>(1.5 + 2) * -3</c>.</param>
    /// <returns>The value.</returns>
    /// <exception cref="FormatException">The expression is not well formed; the message says where.</exception>
    /// <exception cref="DivideByZeroException">The expression divides by zero.</exception>
    /// <exception cref="OverflowException">A value leaves the range of <see cref="decimal"/>.</exception>
    public static decimal Evaluate(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        var parser = new ArithmeticParser(expression);
        var value = parser.ParseExpression();
        parser.SkipSpaces();
        if (parser._position < expression.Length)
        {
            throw parser.Error($"unexpected '{expression[parser._position]}'");
        }

        return value;
    }

    private decimal ParseExpression()
    {
        var value = ParseTerm();
        while (TryConsume('+', '-') is { } op)
        {
            var right = ParseTerm();
            value = op == '+' ? value + right : value - right;
        }

        return value;
    }

    private decimal ParseTerm()
    {
        var value = ParseUnary();
        while (TryConsume('*', '/') is { } op)
        {
            var right = ParseUnary();
            value = op == '*' ? value * right : value / right;
        }

        return value;
    }

    private decimal ParseUnary() => TryConsume('+', '-') switch
    {
        '-' => -ParseUnary(),
        '+' => ParseUnary(),
        _ => ParsePrimary(),
    };

    private decimal ParsePrimary()
    {
        if (TryConsume('(', '(') is not null)
        {
            var value = ParseExpression();
            if (TryConsume(')', ')') is null)
            {
                throw Error("expected ')'");
            }

            return value;
        }

        SkipSpaces();
        var start = _position;
        while (_position < _text.Length && (char.IsAsciiDigit(_text[_position]) || _text[_position] == '.'))
        {
            _position++;
        }

        if (start == _position)
        {
            throw Error(_position < _text.Length ? $"unexpected '{_text[_position]}'" : "unexpected end of expression");
        }

        var number = _text.AsSpan(start, _position - start);
        return decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var parsed)
            ? parsed
            : throw new FormatException($"'{number}' at position {start + 1} is not a number.");
    }

    private char? TryConsume(char first, char second)
    {
        SkipSpaces();
        if (_position < _text.Length && (_text[_position] == first || _text[_position] == second))
        {
            return _text[_position++];
        }

        return null;
    }

    private void SkipSpaces()
    {
        while (_position < _text.Length && char.IsWhiteSpace(_text[_position]))
        {
            _position++;
        }
    }

    private FormatException Error(string what) => new($"Invalid expression: {what} at position {_position + 1}.");
}
