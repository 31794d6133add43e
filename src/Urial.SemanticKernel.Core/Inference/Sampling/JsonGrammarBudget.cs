namespace Urial.SemanticKernel;

/// <summary>
/// Chooses grammar limits so that the longest text a grammar allows fits an output budget: every token sampled under
/// a grammar is at least one byte, so a grammar whose longest text is at most <c>budget − 1</c> bytes always closes
/// (and leaves a token for the end of generation). Whitespace goes first, then strings, arrays, maps and digits shrink
/// together, then optional properties go, then nesting depth; when even the smallest grammar does not fit, the request
/// fails up front with the size it needs.
/// </summary>
internal static class JsonGrammarBudget
{
    private const int ScaleSteps = 64;

    /// <summary>Builds the grammar with the largest limits, at most <paramref name="limits"/>, whose longest text fits <paramref name="budgetTokens"/>.</summary>
    /// <param name="limits">The largest limits wanted.</param>
    /// <param name="budgetTokens">The tokens available for the grammar's text.</param>
    /// <param name="build">Builds a grammar for given limits (it may throw <see cref="ArgumentException"/> when nothing fits them).</param>
    /// <param name="budgetName">What the budget is called in messages, e.g. <c>ChatOptions.MaxOutputTokens = 96</c>.</param>
    /// <param name="otherTokens">Tokens of the budget spent elsewhere (added to the size a failure names).</param>
    /// <returns>The grammar and its longest text in bytes.</returns>
    /// <exception cref="GrammarBudgetException">No limits make the grammar fit; the message names the budget and the size needed.</exception>
    /// <exception cref="ArgumentException">The schema itself cannot be converted.</exception>
    public static (string Grammar, long MaxBytes) Fit(JsonGrammarLimits limits, int budgetTokens, Func<JsonGrammarLimits, string> build, string budgetName, int otherTokens = 0)
    {
        var available = budgetTokens - otherTokens - 1L;

        // Unguarded: a schema that cannot be converted at all fails here, whatever the budget.
        var full = build(limits);
        var fullBytes = GbnfLengthBound.MaxBytes(full);
        if (fullBytes <= available)
        {
            return (full, fullBytes);
        }

        // Compact JSON first; then also without optional properties (the answer keeps only what the schema requires).
        foreach (var stage in (JsonGrammarLimits[])[limits with { Whitespace = false }, limits with { Whitespace = false, OptionalProperties = false }])
        {
            if (!TryBuild(Scaled(stage, 0), build, available, out var smallest))
            {
                continue;
            }

            // Binary search for the largest scale that fits (sizes grow with the scale).
            var (low, high) = (0, ScaleSteps);
            var best = smallest;
            while (high - low > 1)
            {
                var middle = (low + high) / 2;
                if (TryBuild(Scaled(stage, middle), build, available, out var candidate))
                {
                    (low, best) = (middle, candidate);
                }
                else
                {
                    high = middle;
                }
            }

            return best;
        }

        var compact = limits with { Whitespace = false, OptionalProperties = false };
        for (var depth = limits.MaxDepth - 1; depth >= 0; depth--)
        {
            if (TryBuild(Scaled(compact, 0) with { MaxDepth = depth }, build, available, out var shallow))
            {
                return shallow;
            }
        }

        var needed = Needed(Scaled(compact, 0), build) + otherTokens;
        throw new GrammarBudgetException(
            $"{budgetName} is too small for this schema: even with the shortest strings, arrays and numbers the grammar allows, "
            + $"the answer can need {needed} tokens. Raise it to at least {needed}, or simplify the schema.");
    }

    private static JsonGrammarLimits Scaled(JsonGrammarLimits limits, int step)
    {
        int Scale(int value, int floor) => Math.Max(floor, (int)((long)value * step / ScaleSteps));
        return limits with
        {
            MaxStringLength = Scale(limits.MaxStringLength, 0),
            MaxArrayItems = Scale(limits.MaxArrayItems, 0),
            MaxObjectProperties = Scale(limits.MaxObjectProperties, 0),
            MaxIntegerDigits = Scale(limits.MaxIntegerDigits, 1),
            MaxFractionDigits = Scale(limits.MaxFractionDigits, 0),
        };
    }

    private static bool TryBuild(JsonGrammarLimits limits, Func<JsonGrammarLimits, string> build, long available, out (string, long) result)
    {
        result = default;
        try
        {
            var grammar = build(limits);
            var bytes = GbnfLengthBound.MaxBytes(grammar);
            result = (grammar, bytes);
            return bytes <= available;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static long Needed(JsonGrammarLimits limits, Func<JsonGrammarLimits, string> build)
    {
        var bytes = GbnfLengthBound.MaxBytes(build(limits)); // rethrows a schema error the caller must see
        return bytes == long.MaxValue ? long.MaxValue : bytes + 1;
    }
}

/// <summary>The output budget cannot hold even the smallest grammar of a schema; the message names the budget and the size needed.</summary>
internal sealed class GrammarBudgetException(string message) : ArgumentException(message);
