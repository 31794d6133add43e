using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Urial.SemanticKernel;

/// <summary>
/// Stands in for an argument that failed schema validation, so that invoking the call reports the validation error
/// to the model: function binders (Microsoft.Extensions.AI's <c>AIFunctionFactory</c>, Semantic Kernel's) read a
/// <see cref="JsonNode"/> argument by serializing it, and this value's serialization throws an
/// <see cref="ArgumentException"/> with the error — which <c>FunctionInvokingChatClient</c> turns into the call's
/// error result, exactly as it does for any argument that cannot be bound.
/// </summary>
[JsonConverter(typeof(InvalidToolArgumentConverter))]
internal sealed class InvalidToolArgument(string error, object? original)
{
    /// <summary>Gets the validation error.</summary>
    public string Error { get; } = error;

    /// <summary>Gets the value the model wrote (what the call shows when the history is rendered again).</summary>
    public object? Original { get; } = original;

    /// <summary>Creates the argument value: a JSON node whose serialization throws the error.</summary>
    public static JsonNode Create(string error, object? original) =>
        JsonValue.Create(new InvalidToolArgument(error, original), InvalidToolArgumentContext.Default.InvalidToolArgument)!;

    /// <summary>Returns the value the model wrote when <paramref name="value"/> stands in for an invalid argument; otherwise <paramref name="value"/>.</summary>
    public static object? Unwrap(object? value) =>
        value is JsonValue node && node.TryGetValue<InvalidToolArgument>(out var invalid) ? invalid.Original : value;

    /// <inheritdoc/>
    public override string ToString() => Error;
}

/// <summary>Throws the validation error instead of writing the value.</summary>
internal sealed class InvalidToolArgumentConverter : JsonConverter<InvalidToolArgument>
{
    /// <inheritdoc/>
    public override InvalidToolArgument Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new JsonException("An invalid tool argument cannot be read.");

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, InvalidToolArgument value, JsonSerializerOptions options) =>
        throw new ArgumentException(value.Error);
}

/// <summary>Source-generated metadata for <see cref="InvalidToolArgument"/>.</summary>
[JsonSerializable(typeof(InvalidToolArgument))]
internal sealed partial class InvalidToolArgumentContext : JsonSerializerContext;
