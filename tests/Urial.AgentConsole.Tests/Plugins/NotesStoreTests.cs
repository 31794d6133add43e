using Urial.AgentConsole.Plugins;

namespace Urial.AgentConsole.Tests.Plugins;

public sealed class NotesStoreTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Notes_round_trip_through_the_json_file()
    {
        var path = Path.Combine(_temp.Path, "nested", "notes.json");
        var store = new NotesStore(path);

        Assert.Empty(store.List());
        Assert.Equal(1, store.Add("buy milk"));
        Assert.Equal(2, store.Add("  call \"Ann\" [at] 5  "));

        var reopened = new NotesStore(path);
        Assert.Equal(["buy milk", "call \"Ann\" [at] 5"], reopened.List());
        Assert.Equal(2, reopened.Clear());
        Assert.Empty(new NotesStore(path).List());
        Assert.False(File.Exists(path + ".tmp"));
    }

    [Fact]
    public void The_plugin_lists_numbered_notes()
    {
        var plugin = new NotesPlugin(new NotesStore(_temp.File("notes.json")));

        Assert.Equal("There are no notes.", plugin.List());
        plugin.Add("first");
        plugin.Add("second");
        Assert.Equal("1. first\n2. second", plugin.List());
        Assert.Equal("Deleted 2 notes.", plugin.Clear());
    }

    [Fact]
    public void URIAL_NOTES_FILE_overrides_the_default_path() =>
        Assert.Equal("/tmp/x.json", NotesStore.DefaultPath(name => name == "URIAL_NOTES_FILE" ? "/tmp/x.json" : null));
}
