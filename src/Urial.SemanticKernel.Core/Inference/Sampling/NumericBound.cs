namespace Urial.SemanticKernel;

/// <summary>A lower or upper bound of a JSON number (<c>minimum</c>/<c>exclusiveMinimum</c>, <c>maximum</c>/<c>exclusiveMaximum</c>).</summary>
/// <param name="Value">The bound.</param>
/// <param name="Exclusive">Whether the bound itself is excluded.</param>
internal readonly record struct NumericBound(decimal Value, bool Exclusive);
