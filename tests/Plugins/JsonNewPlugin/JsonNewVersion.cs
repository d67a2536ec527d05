using Newtonsoft.Json;
using Workflow.NodeSdk;

namespace JsonNewPlugin;

/// <summary>Reports which Newtonsoft.Json this plugin runs with, and uses it.</summary>
[Node("JsonNewVersion", Category = "test")]
public sealed class JsonNewVersion : INode
{
    public string Execute(string text = "new") =>
        $"{typeof(JsonConvert).Assembly.GetName().Version}|{JsonConvert.SerializeObject(new { text })}";
}

/// <summary>JsonOldPlugin defines a node of the same name: which one is registered shows the load order.</summary>
[Node("WhichPlugin", Category = "test")]
public sealed class WhichPlugin : INode
{
    public string Execute() => "JsonNewPlugin";
}

/// <summary>A socket type defined by a plugin and consumed by another plugin that references this one.</summary>
[SocketType("GREETING")]
public sealed record Greeting(string Text);

[Node("MakeGreeting", Category = "test")]
public sealed class MakeGreeting : INode
{
    public Greeting Execute(string name = "world") => new($"hello {name}");
}
