using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Urial.SemanticKernel;

/// <summary>
/// Reads a streamed answer according to its <see cref="ChatGrammarPlan"/>: text streams; a call is held until the answer
/// ends and becomes <see cref="FunctionCallContent"/>s whose arguments were validated against their schema; a JSON
/// answer streams and is validated against its schema at the end. Call markup never reaches the caller as text.
/// </summary>
/// <remarks>
/// The engine never releases part of the call marker before it is complete (it is a hold-back trigger), so the marker
/// cannot be split across two updates.
/// </remarks>
internal sealed class AnswerReader
{
    private readonly ChatGrammarPlan _plan;
    private readonly Dictionary<string, JsonSchemaValidator> _argumentValidators = new(StringComparer.Ordinal);
    private readonly JsonSchemaValidator? _answerValidator;
    private readonly StringBuilder _call = new();
    private readonly StringBuilder _answer = new();
    private bool? _isCall;

    /// <summary>Creates a reader; the schemas are checked (and their validators built) before anything is generated.</summary>
    /// <exception cref="ArgumentException">A schema is too large or too deep to validate against.</exception>
    public AnswerReader(ChatGrammarPlan plan)
    {
        _plan = plan;
        foreach (var function in plan.Functions)
        {
            _argumentValidators[function.Name] = JsonSchemaValidator.Create(function.Schema.ValueKind == JsonValueKind.Undefined ? EmptySchema : function.Schema, $"the parameters of tool '{function.Name}'");
        }

        if (plan.MayAnswerJson && plan.AnswerSchema is { } schema)
        {
            _answerValidator = JsonSchemaValidator.Create(schema, "the response format");
        }

        _isCall = plan.Shape switch
        {
            AnswerShape.Calls => true,
            AnswerShape.Json or AnswerShape.Text => false,
            _ => null,
        };
    }

    /// <summary>Returns the part of <paramref name="text"/> that streams as answer text; a call is held back.</summary>
    public string Accept(string text)
    {
        if (text.Length == 0)
        {
            return text;
        }

        if (_plan.Shape == AnswerShape.CallsOrJson && _isCall is null)
        {
            _isCall = text.StartsWith('<'); // the grammar's two branches: the call marker, or a JSON value (never '<')
        }

        if (_isCall == true)
        {
            _call.Append(text);
            return string.Empty;
        }

        if (_plan.Shape == AnswerShape.TextOrCalls && text.IndexOf(ToolCallSyntax.Open, StringComparison.Ordinal) is >= 0 and var start)
        {
            _call.Append(text, start, text.Length - start);
            _isCall = true;
            return text[..start];
        }

        if (_plan.MayAnswerJson)
        {
            _answer.Append(text);
        }

        return text;
    }

    /// <summary>Adds the calls to the final update (finish reason ToolCalls), or checks the JSON answer.</summary>
    /// <exception cref="InvalidOperationException">A call did not close (the output budget or the context ran out).</exception>
    /// <exception cref="UrialSchemaViolationException">The JSON answer does not satisfy its schema.</exception>
    public void Complete(ChatResponseUpdate final)
    {
        if (_call.Length > 0)
        {
            AddCalls(final);
        }
        else if (_plan.MayAnswerJson && _isCall != true)
        {
            CheckAnswer(final.FinishReason);
        }
    }

    private void AddCalls(ChatResponseUpdate final)
    {
        var callText = _call.ToString();
        if (!ToolCallParser.TryParse(callText, out var before, out var calls, out var error) || calls.Count == 0)
        {
            throw new InvalidOperationException(
                $"The model's tool call did not close ({error ?? "no call found"}; finish reason {final.FinishReason}): the output budget "
                + $"({_plan.Budget} tokens) or the context ran out. Raise ChatOptions.MaxOutputTokens or the engine's ContextSize.");
        }

        if (!string.IsNullOrWhiteSpace(before))
        {
            final.Contents.Add(new TextContent(before));
        }

        foreach (var (name, arguments) in calls)
        {
            final.Contents.Add(Call(name, arguments));
        }

        final.FinishReason = ChatFinishReason.ToolCalls;
    }

    /// <summary>A call; when its arguments fail validation, it carries the error as its exception and as arguments that fail to bind with it.</summary>
    private FunctionCallContent Call(string name, IDictionary<string, object?> arguments)
    {
        var call = new FunctionCallContent("call_" + Guid.NewGuid().ToString("N")[..16], name, arguments);
        if (!_argumentValidators.TryGetValue(name, out var validator))
        {
            return call; // not a declared function (the grammar prevents it); the invoker reports it as not found
        }

        var instance = JsonSerializer.SerializeToElement(arguments, ToolCallSyntax.JsonOptions);
        if (validator.Validate(instance) is not { } violation)
        {
            return call;
        }

        var message = $"The arguments of tool '{name}' do not satisfy its schema: {violation.Summary}.";
        call.Exception = new ArgumentException(message);
        foreach (var target in Targets(violation.InstanceLocation, arguments, _plan.Functions.First(f => f.Name == name).Schema))
        {
            arguments[target] = InvalidToolArgument.Create(message, arguments.TryGetValue(target, out var original) ? original : null);
        }

        return call;
    }

    /// <summary>The arguments to mark invalid: the one the failing location is in, or (for the whole object) every one given, else every declared one.</summary>
    private static IEnumerable<string> Targets(string location, IDictionary<string, object?> arguments, JsonElement schema)
    {
        var first = location.TrimStart('/').Split('/')[0];
        if (first.Length > 0)
        {
            return [first.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)];
        }

        if (arguments.Count > 0)
        {
            return [.. arguments.Keys];
        }

        return schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("properties", out var declared) && declared.ValueKind == JsonValueKind.Object
            ? [.. declared.EnumerateObject().Select(p => p.Name)]
            : [];
    }

    private void CheckAnswer(ChatFinishReason? finish)
    {
        var text = _answer.ToString();
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException exception)
        {
            throw new UrialSchemaViolationException(
                $"The structured answer is not complete JSON (finish reason {finish}): the output budget ({_plan.Budget} tokens) or the context ran out. "
                + "Raise ChatOptions.MaxOutputTokens or the engine's ContextSize.",
                exception);
        }

        using (document)
        {
            if (_answerValidator?.Validate(document.RootElement) is { } violation)
            {
                throw new UrialSchemaViolationException(
                    $"The structured answer does not satisfy its JSON schema: {violation.Summary}.", violation.Keyword, violation.InstanceLocation);
            }
        }
    }

    private static readonly JsonElement EmptySchema = JsonDocument.Parse("{}").RootElement.Clone();
}
