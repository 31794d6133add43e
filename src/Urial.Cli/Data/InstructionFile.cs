using System.Globalization;
using System.Text.Json;

namespace Urial.Cli;

/// <summary>One instruction of a data file, with the answer stored beside it when there is one.</summary>
/// <param name="Id">The item's <c>id</c> (as text), or its index in the file.</param>
/// <param name="Instruction">The <c>instruction</c> text.</param>
/// <param name="Output">The <c>output</c> text (in just-eval's <c>example_data.json</c>: Llama-2-7b-chat's answer), or <see langword="null"/>.</param>
internal sealed record InstructionItem(string Id, string Instruction, string? Output);

/// <summary>Reads just-eval style data: a JSON array of objects with <c>instruction</c> and optionally <c>id</c> and <c>output</c>.</summary>
internal static class InstructionFile
{
    public static List<InstructionItem> Load(string path, string option)
    {
        if (!File.Exists(path))
        {
            throw new CliException($"The data file '{path}' (--{option}) does not exist.");
        }

        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            root = document.RootElement.Clone();
        }
        catch (JsonException exception)
        {
            throw new CliException($"The data file '{path}' (--{option}) is not valid JSON: {exception.Message}", exception);
        }

        if (root.ValueKind != JsonValueKind.Array)
        {
            throw new CliException($"The data file '{path}' (--{option}) must hold a JSON array of objects with an \"instruction\".");
        }

        var items = new List<InstructionItem>();
        var index = 0;
        foreach (var element in root.EnumerateArray())
        {
            if (element.ValueKind != JsonValueKind.Object
                || !element.TryGetProperty("instruction", out var instruction) || instruction.ValueKind != JsonValueKind.String)
            {
                throw new CliException($"Item {index} of '{path}' has no string \"instruction\".");
            }

            var id = element.TryGetProperty("id", out var idElement)
                ? idElement.ValueKind == JsonValueKind.String ? idElement.GetString()! : idElement.GetRawText()
                : index.ToString(CultureInfo.InvariantCulture);
            var output = element.TryGetProperty("output", out var outputElement) && outputElement.ValueKind == JsonValueKind.String
                ? outputElement.GetString()
                : null;
            items.Add(new InstructionItem(id, instruction.GetString()!, output));
            index++;
        }

        return items;
    }
}
