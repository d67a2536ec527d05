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
    IValidateInputs? CustomValidator)
{
    public bool IsOutputNode => Flags.HasFlag(NodeFlags.OutputNode);

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
}
