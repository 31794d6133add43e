using System.Text.Json;
using Json.Schema;

namespace Urial.SemanticKernel;

/// <summary>
/// Validates JSON values against a whole JSON Schema with JsonSchema.Net (formats included): the check that makes
/// keywords without a grammar translation hold, and the oracle for everything the grammar translated.
/// </summary>
internal sealed class JsonSchemaValidator
{
    private const int MaxReportedErrors = 3;
    private readonly JsonSchema _schema;

    private JsonSchemaValidator(JsonSchema schema) => _schema = schema;

    /// <summary>Creates a validator after checking the schema's size and chains (<see cref="JsonSchemaSafety"/>).</summary>
    /// <param name="schema">The schema.</param>
    /// <param name="what">What the schema describes, for messages (e.g. <c>the parameters of tool 'X'</c>).</param>
    /// <exception cref="ArgumentException">The schema is too large or too deep, or JsonSchema.Net cannot read it.</exception>
    public static JsonSchemaValidator Create(JsonElement schema, string what)
    {
        try
        {
            JsonSchemaSafety.Check(schema);
            // Draft 2020-12 unless the schema names its own dialect; unknown keywords (Semantic Kernel writes "condition") are annotations.
            var options = new BuildOptions { Dialect = Dialect.Draft202012, SchemaRegistry = new SchemaRegistry() };
            return new JsonSchemaValidator(JsonSchema.FromText(schema.GetRawText(), options));
        }
        catch (Exception exception) when (exception is JsonException or JsonSchemaException or ArgumentException or InvalidOperationException or NotSupportedException)
        {
            throw new ArgumentException($"The JSON schema of {what} cannot be used for validation: {exception.Message}", exception);
        }
    }

    /// <summary>Returns the first violations of <paramref name="instance"/> (keyword, location, message), or null when it is valid.</summary>
    public SchemaViolation? Validate(JsonElement instance)
    {
        var options = new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true };
        var result = _schema.Evaluate(instance, options);
        if (result.IsValid)
        {
            return null;
        }

        var errors = (result.Details ?? [])
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => (Keyword: e.Key, Location: d.InstanceLocation.ToString(), Message: e.Value)))
            .ToList();
        if (result.Errors is { Count: > 0 } rootErrors)
        {
            errors.AddRange(rootErrors.Select(e => (Keyword: e.Key, Location: result.InstanceLocation.ToString(), Message: e.Value)));
        }

        if (errors.Count == 0)
        {
            errors.Add(("(schema)", string.Empty, "the value does not match the schema"));
        }

        var first = errors[0];
        var summary = string.Join("; ", errors.Take(MaxReportedErrors).Select(e => $"keyword '{e.Keyword}' at '{Location(e.Location)}': {e.Message}"));
        return new SchemaViolation(first.Keyword, Location(first.Location), summary);
    }

    private static string Location(string pointer) => pointer.Length == 0 ? "/" : pointer;
}

/// <summary>How a value violates its schema.</summary>
/// <param name="Keyword">The first failing keyword.</param>
/// <param name="InstanceLocation">The JSON pointer of the failing value (<c>/</c> for the whole value).</param>
/// <param name="Summary">The first few failures, each with keyword, location and message.</param>
internal sealed record SchemaViolation(string Keyword, string InstanceLocation, string Summary);
