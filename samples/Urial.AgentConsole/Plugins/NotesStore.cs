using System.Text.Json;

namespace Urial.AgentConsole.Plugins;

/// <summary>A list of short notes kept in a JSON file, so they survive between sessions.</summary>
/// <remarks>Every call reads or rewrites the whole file: notes are few and small, and this way two consoles never hold stale copies.</remarks>
/// <param name="path">The JSON file; created with its folder on the first note.</param>
internal sealed class NotesStore(string path)
{
    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true };
    private readonly Lock _lock = new();

    /// <summary>Gets the path of the JSON file.</summary>
    public string Path { get; } = path;

    /// <summary>Gets the default file: <c>URIAL_NOTES_FILE</c>, else <c>urial/notes.json</c> in the user's local data folder.</summary>
    /// <param name="getEnvironment">Reads an environment variable.</param>
    /// <returns>The path.</returns>
    public static string DefaultPath(Func<string, string?> getEnvironment) =>
        getEnvironment("URIAL_NOTES_FILE") is { Length: > 0 } overridden
            ? overridden
            : System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "urial", "notes.json");

    /// <summary>Gets every note, oldest first.</summary>
    /// <returns>The notes.</returns>
    public IReadOnlyList<string> List()
    {
        lock (_lock)
        {
            return Read();
        }
    }

    /// <summary>Appends a note.</summary>
    /// <param name="text">The note.</param>
    /// <returns>How many notes there are now.</returns>
    public int Add(string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        lock (_lock)
        {
            var notes = Read();
            notes.Add(text.Trim());
            Write(notes);
            return notes.Count;
        }
    }

    /// <summary>Removes every note.</summary>
    /// <returns>How many notes were removed.</returns>
    public int Clear()
    {
        lock (_lock)
        {
            var count = Read().Count;
            Write([]);
            return count;
        }
    }

    private List<string> Read() =>
        File.Exists(Path) ? JsonSerializer.Deserialize<List<string>>(File.ReadAllText(Path), s_json) ?? [] : [];

    private void Write(List<string> notes)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!);

        // Write beside, then replace: a crash mid-write must not lose the notes already kept.
        var temporary = Path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(notes, s_json));
        File.Move(temporary, Path, overwrite: true);
    }
}
