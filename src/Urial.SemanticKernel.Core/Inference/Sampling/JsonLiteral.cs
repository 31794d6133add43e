using System.Text;
using System.Text.Json;

namespace Urial.SemanticKernel;

/// <summary>Canonical JSON text of literal values and JSON pointer resolution, for the GBNF converter.</summary>
internal static class JsonLiteral
{
    /// <summary>
    /// The compact canonical JSON text of <paramref name="value"/>: strings via <see cref="GbnfText.JsonString"/>,
    /// numbers as written in the schema, objects/arrays without whitespace.
    /// </summary>
    /// <exception cref="ArgumentException">The value nests deeper than <see cref="JsonSchemaBounds.MaxLiteralDepth"/>.</exception>
    public static string Canonical(JsonElement value)
    {
        var sb = new StringBuilder();
        Write(sb, value, 0);
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, JsonElement value, int depth)
    {
        if (depth > JsonSchemaBounds.MaxLiteralDepth)
        {
            throw JsonSchemaBounds.Exceeded($"MaxLiteralDepth = {JsonSchemaBounds.MaxLiteralDepth}", "#", "the nesting of an enum or const value");
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                sb.Append(GbnfText.JsonString(value.GetString()!));
                break;
            case JsonValueKind.Object:
                sb.Append('{');
                var first = true;
                foreach (var property in value.EnumerateObject())
                {
                    if (!first)
                    {
                        sb.Append(',');
                    }

                    first = false;
                    sb.Append(GbnfText.JsonString(property.Name)).Append(':');
                    Write(sb, property.Value, depth + 1);
                }

                sb.Append('}');
                break;
            case JsonValueKind.Array:
                sb.Append('[');
                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    if (index++ > 0)
                    {
                        sb.Append(',');
                    }

                    Write(sb, item, depth + 1);
                }

                sb.Append(']');
                break;
            default:
                sb.Append(value.GetRawText());
                break;
        }
    }

    /// <summary>Resolves a local reference such as <c>#</c>, <c>#/$defs/Item</c> or <c>#/properties/a~1b</c>.</summary>
    /// <returns>The target, or null when it does not exist.</returns>
    public static JsonElement? ResolvePointer(JsonElement document, string reference)
    {
        var pointer = Uri.UnescapeDataString(reference[1..]);
        if (pointer.Length == 0)
        {
            return document;
        }

        if (pointer[0] != '/')
        {
            return null; // a named anchor ('#foo') is not supported
        }

        var current = document;
        foreach (var raw in pointer[1..].Split('/'))
        {
            var segment = raw.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (current.ValueKind == JsonValueKind.Object && current.TryGetProperty(segment, out var child))
            {
                current = child;
            }
            else if (current.ValueKind == JsonValueKind.Array
                && int.TryParse(segment, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index)
                && index < current.GetArrayLength())
            {
                current = current[index];
            }
            else
            {
                return null;
            }
        }

        return current;
    }
}
