using System.ComponentModel;
using System.Globalization;
using Microsoft.SemanticKernel;

namespace Urial.AgentConsole.Plugins;

/// <summary>Arithmetic for the model, which cannot reliably do it itself.</summary>
internal sealed class CalculatorPlugin
{
    /// <summary>Evaluates an arithmetic expression.</summary>
    /// <param name="expression">The expression.</param>
    /// <returns>The value, or a line starting with <c>error:</c> that the model can read and correct.</returns>
    [KernelFunction("evaluate")]
    [Description("Evaluates an arithmetic expression with + - * / and parentheses over decimal numbers, e.g. (2.5 + 4) * 3.")]
    public static string Evaluate([Description("The arithmetic expression.")] string expression)
    {
        try
        {
            return ArithmeticParser.Evaluate(expression).ToString(CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is FormatException or ArithmeticException)
        {
            // Returned, not thrown: the model should see what went wrong and may try again.
            return "error: " + e.Message;
        }
    }
}
