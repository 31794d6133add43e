using System.Text.Json;

namespace Urial.Cli;

/// <summary>The JSON settings of cache lines and reports.</summary>
internal static class JsonOptions
{
    public static readonly JsonSerializerOptions Lines = new(JsonSerializerDefaults.Web);

    public static readonly JsonSerializerOptions Indented = new(JsonSerializerDefaults.Web) { WriteIndented = true };
}
