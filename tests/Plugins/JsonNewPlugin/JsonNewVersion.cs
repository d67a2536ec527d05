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

/// <summary>A socket type defined by a plugin and consumed by another plugin that references this one.</summary>
[SocketType("GREETING")]
public sealed record Greeting(string Text);

[Node("MakeGreeting", Category = "test")]
public sealed class MakeGreeting : INode
{
    public Greeting Execute(string name = "world") => new($"hello {name}");
}
