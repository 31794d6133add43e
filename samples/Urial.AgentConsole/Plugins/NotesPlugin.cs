using System.ComponentModel;
using Microsoft.SemanticKernel;

namespace Urial.AgentConsole.Plugins;

/// <summary>Lets the model remember things for the user across sessions.</summary>
/// <param name="store">Where the notes are kept.</param>
internal sealed class NotesPlugin(NotesStore store)
{
    /// <summary>Adds a note.</summary>
    /// <param name="text">The note.</param>
    /// <returns>A confirmation.</returns>
    [KernelFunction("add")]
    [Description("Saves a short note for the user.")]
    public string Add([Description("The text of the note.")] string text) =>
        string.IsNullOrWhiteSpace(text) ? "error: the note is empty." : $"Saved. There are {store.Add(text)} notes.";

    /// <summary>Lists the notes.</summary>
    /// <returns>One numbered note a line, or a sentence saying there are none.</returns>
    [KernelFunction("list")]
    [Description("Lists the user's saved notes.")]
    public string List()
    {
        var notes = store.List();
        return notes.Count == 0 ? "There are no notes." : string.Join('\n', notes.Select((note, i) => $"{i + 1}. {note}"));
    }

    /// <summary>Deletes every note.</summary>
    /// <returns>A confirmation.</returns>
    [KernelFunction("clear")]
    [Description("Deletes all of the user's saved notes.")]
    public string Clear() => $"Deleted {store.Clear()} notes.";
}
