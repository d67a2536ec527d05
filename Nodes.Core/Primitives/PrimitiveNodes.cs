using Workflow.NodeSdk;

namespace Workflow.Nodes.Core.Primitives;

// Constants with ComfyUI's names and input ("value"), comfy_extras/nodes_primitive.py.

[Node("PrimitiveInt", DisplayName = "Int", Category = "utils/primitive")]
public sealed class PrimitiveInt : INode
{
    public long Execute([Int(Min = long.MinValue, Max = long.MaxValue)] long value = 0) => value;
}

[Node("PrimitiveFloat", DisplayName = "Float", Category = "utils/primitive")]
public sealed class PrimitiveFloat : INode
{
    public double Execute([Float(Step = 0.01)] double value = 0) => value;
}

[Node("PrimitiveString", DisplayName = "String", Category = "utils/primitive")]
public sealed class PrimitiveString : INode
{
    public string Execute(string value = "") => value;
}

[Node("PrimitiveStringMultiline", DisplayName = "String (Multiline)", Category = "utils/primitive")]
public sealed class PrimitiveStringMultiline : INode
{
    public string Execute([String(Multiline = true)] string value = "") => value;
}

[Node("PrimitiveBoolean", DisplayName = "Boolean", Category = "utils/primitive")]
public sealed class PrimitiveBoolean : INode
{
    public bool Execute(bool value = false) => value;
}

/// <summary>A seed shared by several samplers; the UI may change it after each run (control_after_generate).</summary>
[Node("Seed", Category = "utils/primitive", Description = "A 64-bit seed, as samplers take it.")]
public sealed class Seed : INode
{
    public ulong Execute([Seed] ulong seed = 0) => seed;
}
