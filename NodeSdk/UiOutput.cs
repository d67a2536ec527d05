using System.Text.Json.Nodes;

namespace Workflow.NodeSdk;

/// <summary>
/// What an output node shows: ComfyUI's "ui" dictionary (for example <c>{"images": [{"filename", "subfolder", "type"}]}</c>),
/// sent in the executed event and kept in history.
/// </summary>
public sealed class UiOutput
{
    private readonly JsonObject _entries = new();

    public UiOutput Add(string key, JsonNode? value)
    {
        if (_entries[key] is JsonArray existing && value is JsonArray more)
            foreach (var item in more.ToArray()) { more.Remove(item); existing.Add(item); }
        else
            _entries[key] = value;
        return this;
    }

    /// <summary>A file the node wrote: type is "output", "temp" or "input"; subfolder is relative, "" for none.</summary>
    public UiOutput AddFile(string key, string filename, string subfolder, string type) =>
        Add(key, new JsonArray(new JsonObject { ["filename"] = filename, ["subfolder"] = subfolder, ["type"] = type }));

    /// <summary>A deep copy of the entries as JSON.</summary>
    public JsonObject ToJson() => (JsonObject)_entries.DeepClone();
}
