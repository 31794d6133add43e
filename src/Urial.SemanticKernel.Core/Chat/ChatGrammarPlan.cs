using System.Text.Json;

namespace Urial.SemanticKernel;

/// <summary>What the answer of one request may be, and how the chat client reads it back.</summary>
internal enum AnswerShape
{
    /// <summary>Free text; no grammar.</summary>
    Text,

    /// <summary>Free text until the model writes the call marker, then one or more calls (Auto tool mode).</summary>
    TextOrCalls,

    /// <summary>Only calls, from the first token (RequireAny / RequireSpecific).</summary>
    Calls,

    /// <summary>Only a JSON answer, from the first token (a JSON response format).</summary>
    Json,

    /// <summary>Either calls or a JSON answer, decided by the first characters (Auto tool mode with a JSON response format).</summary>
    CallsOrJson,
}

/// <summary>The grammar of one request and what the chat client needs to read and check its answer.</summary>
/// <param name="Shape">What the answer may be.</param>
/// <param name="Grammar">The grammar, or null for free text.</param>
/// <param name="AnswerSchema">The schema a JSON answer is validated against (null: any JSON object, or no JSON answer).</param>
/// <param name="Functions">The callable functions, whose argument schemas calls are validated against.</param>
/// <param name="Budget">The output budget the grammar was planned for (the request's MaxOutputTokens).</param>
internal sealed record ChatGrammarPlan(AnswerShape Shape, GenerationGrammar? Grammar, JsonElement? AnswerSchema, IReadOnlyList<PromptFunction> Functions, int? Budget)
{
    /// <summary>Gets stop sequences the plan adds: the call marker, when Auto mode has no room for a call.</summary>
    public IReadOnlyList<string> StopSequences { get; init; } = [];

    /// <summary>The plan of a request without grammar.</summary>
    public static ChatGrammarPlan FreeText { get; } = new(AnswerShape.Text, null, null, [], null);

    /// <summary>Gets whether the answer may hold calls.</summary>
    public bool MayCall => Shape is AnswerShape.TextOrCalls or AnswerShape.Calls or AnswerShape.CallsOrJson;

    /// <summary>Gets whether the answer may be JSON that is validated at the end.</summary>
    public bool MayAnswerJson => Shape is AnswerShape.Json or AnswerShape.CallsOrJson;
}
