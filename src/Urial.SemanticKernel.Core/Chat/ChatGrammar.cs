using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Urial.SemanticKernel;

/// <summary>
/// Builds the grammar of a request from its tools, tool mode and response format, within its output budget: a call
/// is always a declared name with arguments that satisfy its schema, a JSON answer always satisfies the response
/// schema's grammar, and either always closes before the budget runs out (or the request fails up front).
/// </summary>
internal static class ChatGrammar
{
    /// <summary>The output budget a grammar is planned for when the request sets no MaxOutputTokens (the engine's default).</summary>
    public const int DefaultBudget = 512;

    /// <summary>The most calls one answer may hold when several are allowed: every repetition is bounded.</summary>
    private const int MaxCallsPerAnswer = 4;

    /// <summary>Room kept, in Auto mode, for the token in which the call marker starts (its text before the marker is replayed under the grammar).</summary>
    private const int TriggerTokenAllowance = 4;

    /// <summary>Plans the grammar of a request.</summary>
    /// <exception cref="InvalidOperationException">A required tool is not among the declared ones.</exception>
    /// <exception cref="ArgumentException">A schema is malformed or too complex, or the output budget cannot hold even the smallest answer; the message says what to fix.</exception>
    public static ChatGrammarPlan Plan(PromptTools? tools, ChatOptions options, JsonGrammarLimits limits)
    {
        var functions = CallableFunctions(tools);
        var format = options.ResponseFormat as ChatResponseFormatJson;
        var shape = (functions.Count > 0, tools?.Mode is RequiredChatToolMode, format is not null) switch
        {
            (true, true, _) => AnswerShape.Calls,
            (true, false, true) => AnswerShape.CallsOrJson,
            (true, false, false) => AnswerShape.TextOrCalls,
            (false, _, true) => AnswerShape.Json,
            _ => AnswerShape.Text,
        };
        if (shape == AnswerShape.Text)
        {
            return ChatGrammarPlan.FreeText;
        }

        var budget = options.MaxOutputTokens ?? DefaultBudget;
        var budgetName = options.MaxOutputTokens is { } set
            ? $"ChatOptions.MaxOutputTokens = {set}"
            : $"The default output budget of {DefaultBudget} tokens (ChatOptions.MaxOutputTokens is not set)";

        var allowMany = options.AllowMultipleToolCalls == true;
        string Grammar(JsonGrammarLimits l) => Build(l, shape, functions, format, allowMany);
        string gbnf;
        long maxBytes;
        try
        {
            (gbnf, maxBytes) = shape == AnswerShape.TextOrCalls
                ? FitAfterText(limits, budget, Grammar, budgetName)
                : JsonGrammarBudget.Fit(limits, budget, Grammar, budgetName);
        }
        catch (GrammarBudgetException) when (shape == AnswerShape.TextOrCalls)
        {
            // Auto mode and no call fits the budget: the model may still answer in text, and the marker ends the answer
            // (the engine never releases a stop sequence), so call markup cannot reach the caller.
            return ChatGrammarPlan.FreeText with { Budget = budget, StopSequences = [ToolCallSyntax.Open] };
        }

        var grammar = new GenerationGrammar(gbnf)
        {
            Trigger = shape == AnswerShape.TextOrCalls ? ToolCallSyntax.Open : null,
            ReservedOutputTokens = shape == AnswerShape.TextOrCalls ? (int)Math.Min(budget, maxBytes + 1 + TriggerTokenAllowance) : 0,
        };
        return new ChatGrammarPlan(shape, grammar, format?.Schema, functions, budget);
    }

    /// <summary>
    /// In Auto mode a call may follow some text, and the text stops in time to leave the call its room. The call is
    /// planned for half the budget when it fits there; otherwise with small bounds (short strings, few items) in the
    /// whole budget, so that text keeps what the call does not need; otherwise as large as the whole budget allows.
    /// </summary>
    private static (string Grammar, long MaxBytes) FitAfterText(JsonGrammarLimits limits, int budget, Func<JsonGrammarLimits, string> build, string budgetName)
    {
        var small = limits with
        {
            MaxStringLength = Math.Min(limits.MaxStringLength, 16),
            MaxArrayItems = Math.Min(limits.MaxArrayItems, 2),
            MaxObjectProperties = Math.Min(limits.MaxObjectProperties, 2),
        };
        foreach (var (attempt, tokens) in new[] { (limits, budget / 2), (small, budget) })
        {
            try
            {
                return JsonGrammarBudget.Fit(attempt, tokens, build, budgetName, TriggerTokenAllowance);
            }
            catch (GrammarBudgetException)
            {
                // too large for this share of the budget: try the next plan
            }
        }

        return JsonGrammarBudget.Fit(limits, budget, build, budgetName, TriggerTokenAllowance);
    }

    private static IReadOnlyList<PromptFunction> CallableFunctions(PromptTools? tools)
    {
        if (tools is not { IsRendered: true })
        {
            return [];
        }

        if (tools.Mode is RequiredChatToolMode { RequiredFunctionName: { } required })
        {
            var matching = tools.Functions.Where(f => f.Name == required).ToList();
            return matching.Count > 0
                ? matching
                : throw new InvalidOperationException($"ToolMode requires the function '{required}', but ChatOptions.Tools declares no function of that name.");
        }

        return tools.Functions;
    }

    private static string Build(JsonGrammarLimits limits, AnswerShape shape, IReadOnlyList<PromptFunction> functions, ChatResponseFormatJson? format, bool allowMany)
    {
        var composer = new GrammarComposer(limits);
        string? calls = null;
        if (shape is AnswerShape.Calls or AnswerShape.CallsOrJson or AnswerShape.TextOrCalls)
        {
            var call = composer.Rules.Add(
                "call",
                $"{GbnfText.Literal(ToolCallSyntax.Open + "\n")} {CallObject(composer, functions)} {GbnfText.Literal("\n" + ToolCallSyntax.Close)}");
            calls = allowMany ? composer.Rules.Add("calls", $"{call} ({GbnfText.Literal("\n")} {call}){{0,{MaxCallsPerAnswer - 1}}}") : call;
        }

        string? answer = null;
        if (shape is AnswerShape.Json or AnswerShape.CallsOrJson)
        {
            answer = format!.Schema is { } schema
                ? Described(() => composer.Schema(schema, "answer"), "the response format's schema")
                : composer.Json.AnyObject(0);
        }

        return composer.Finish(string.Join(" | ", new[] { calls, answer }.OfType<string>()));
    }

    /// <summary><c>{"name": …, "arguments": …}</c> for each function, each arguments schema converted on its own (its <c>$ref</c>s resolve within it).</summary>
    private static string CallObject(GrammarComposer composer, IReadOnlyList<PromptFunction> functions)
    {
        var ws = composer.Json.Ws;
        var alternatives = new List<string>();
        foreach (var function in functions)
        {
            var arguments = Described(() => composer.Schema(ArgumentsSchema(function.Schema), "args-" + function.Name), $"the parameters of tool '{function.Name}'");
            alternatives.Add(composer.Rules.Add(
                "call-" + function.Name,
                $"\"{{\" {ws} \"\\\"name\\\"\" {ws} \":\" {ws} {GbnfText.Literal(GbnfText.JsonString(function.Name))} {ws} \",\" {ws} \"\\\"arguments\\\"\" {ws} \":\" {ws} {arguments} {ws} \"}}\""));
        }

        return composer.Rules.Add("call-object", string.Join(" | ", alternatives));
    }

    /// <summary>A function without declared parameters takes exactly <c>{}</c>; otherwise its schema as given.</summary>
    private static JsonElement ArgumentsSchema(JsonElement schema)
    {
        if (schema.ValueKind == JsonValueKind.Object
            && ((schema.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object && properties.EnumerateObject().Any())
                || schema.TryGetProperty("additionalProperties", out _)
                || schema.TryGetProperty("$ref", out _)))
        {
            return schema;
        }

        return NoArguments;
    }

    private static readonly JsonElement NoArguments = JsonDocument.Parse("""{"type":"object","additionalProperties":false}""").RootElement.Clone();

    private static string Described(Func<string> convert, string what)
    {
        try
        {
            return convert();
        }
        catch (ArgumentException exception)
        {
            throw new ArgumentException($"No grammar can be built for {what}: {exception.Message}", exception);
        }
    }
}
