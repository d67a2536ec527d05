using Workflow.NodeSdk;

namespace BrokenPlugin;

// Nodes that are wrong in each way a plugin can be wrong; the host must report each and keep the good one.

[Node("DefaultOutOfRange", Category = "test")]
public sealed class DefaultOutOfRange : INode
{
    public long Execute([Int(Min = 0, Max = 10)] long value = 99) => value;
}

[Node("ConstructorThrows", Category = "test")]
public sealed class ConstructorThrows : INode
{
    public ConstructorThrows() => throw new InvalidOperationException("cannot construct");

    public long Execute(long value = 0) => value;
}

[Node("UnboundType", Category = "test")]
public sealed class UnboundType : INode
{
    public long Execute(Uri address) => address.Port;
}

[Node("StillWorks", Category = "test")]
public sealed class StillWorks : INode
{
    public string Execute(string text = "fine") => text;
}

/// <summary>Fails when run; the host must report it and carry on with the next prompt.</summary>
[Node("ThrowsWhenRun", Category = "test", OutputNode = true)]
public sealed class ThrowsWhenRun : INode
{
    public UiOutput Execute(string message = "boom") => throw new InvalidOperationException(message);
}
