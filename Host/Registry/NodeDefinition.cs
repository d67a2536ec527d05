using Workflow.NodeSdk;

namespace Workflow.Host.Registry;

/// <summary>Everything the host knows about a node class: its schema, where it came from, and how to call it.</summary>
public sealed record NodeDefinition(
    string Name,
    IReadOnlyList<string> Aliases,
    string DisplayName,
    string Category,
    string Description,
    NodeFlags Flags,
    IReadOnlyList<InputDefinition> Inputs,
    IReadOnlyList<OutputDefinition> Outputs,
    string Module,
    NodeInvoker Invoker,
    IFingerprint? Fingerprinter,
    IValidateInputs? CustomValidator,
    ILazyInputs? LazyInputs)
{
    public bool IsOutputNode => Flags.HasFlag(NodeFlags.OutputNode);

    /// <summary>Takes each input as a whole list and runs once (ComfyUI's INPUT_IS_LIST).</summary>
    public bool InputIsList => Flags.HasFlag(NodeFlags.InputIsList);

    /// <summary>Returns a subgraph to run in its place (Expansion&lt;T&gt;).</summary>
    public bool Expands => Flags.HasFlag(NodeFlags.Expands);

    public bool NotIdempotent => Flags.HasFlag(NodeFlags.NotIdempotent);

    public InputDefinition? FindInput(string name) => Inputs.FirstOrDefault(i => i.Name == name);
}

[Flags]
public enum NodeFlags
{
    None = 0,
    OutputNode = 1,
    NotIdempotent = 2,
    Deprecated = 4,
    Experimental = 8,
    InputIsList = 16,
    Expands = 32,
}
