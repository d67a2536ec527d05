using JsonNewPlugin;
using Workflow.NodeSdk;

namespace GreetingExtension;

[Node("ShoutGreeting", Category = "test")]
public sealed class ShoutGreeting : INode
{
    public Greeting Execute(Greeting greeting) => new(greeting.Text.ToUpperInvariant() + "!");
}

/// <summary>Shows a greeting; proves the GREETING type is the same type in both plugins (a second copy would fail the cast).</summary>
[Node("ShowGreeting", Category = "test", OutputNode = true)]
public sealed class ShowGreeting : INode
{
    public UiOutput Execute(Greeting greeting) => new UiOutput()
        .Add("text", greeting.Text)
        .Add("assembly", typeof(Greeting).Assembly.FullName);
}
