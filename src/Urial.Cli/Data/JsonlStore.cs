using System.Text.Json;

namespace Urial.Cli;

/// <summary>An append-only JSON Lines file of finished items: what makes long runs resumable after Ctrl+C or a crash.</summary>
/// <remarks>Each line is written and flushed as one unit; a torn last line (the process died mid-write) is ignored on reading.</remarks>
internal sealed class JsonlStore<T>
    where T : class
{
    private readonly string _path;
    private readonly JsonSerializerOptions _options;
    private bool _tailChecked;

    public JsonlStore(string path, JsonSerializerOptions options)
    {
        _path = path;
        _options = options;
    }

    public string Path => _path;

    public List<T> ReadAll()
    {
        var items = new List<T>();
        if (!File.Exists(_path))
        {
            return items;
        }

        foreach (var line in File.ReadLines(_path))
        {
            if (line.Length == 0)
            {
                continue;
            }

            try
            {
                if (JsonSerializer.Deserialize<T>(line, _options) is { } item)
                {
                    items.Add(item);
                }
            }
            catch (JsonException)
            {
                // A line cut short by a killed process: the item is simply done again.
            }
        }

        return items;
    }

    public void Append(T item)
    {
        var line = JsonSerializer.Serialize(item, _options);
        using var stream = new FileStream(_path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        if (!_tailChecked)
        {
            _tailChecked = true;
            if (stream.Length > 0)
            {
                // A torn last line must not swallow the next item: end it first.
                stream.Seek(-1, SeekOrigin.End);
                if (stream.ReadByte() != '\n')
                {
                    stream.WriteByte((byte)'\n');
                }
            }
        }

        stream.Seek(0, SeekOrigin.End);
        using var writer = new StreamWriter(stream);
        writer.Write(line);
        writer.Write('\n');
        writer.Flush();
        stream.Flush(flushToDisk: true);
    }
}
