using Newtonsoft.Json;
using Workflow.NodeSdk;

namespace JsonOldPlugin;

/// <summary>Reports which Newtonsoft.Json this plugin runs with, and uses it.</summary>
[Node("JsonOldVersion", Category = "test")]
public sealed class JsonOldVersion : INode
{
    public string Execute(string text = "old") =>
        $"{typeof(JsonConvert).Assembly.GetName().Version}|{JsonConvert.SerializeObject(new { text })}";
}

/// <summary>JsonNewPlugin defines a node of the same name: which one is registered shows the load order.</summary>
[Node("WhichPlugin", Category = "test")]
public sealed class WhichPlugin : INode
{
    public string Execute() => "JsonOldPlugin";
}
