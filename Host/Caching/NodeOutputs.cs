using Workflow.NodeSdk;

namespace Workflow.Host.Caching;

/// <summary>What a node produced: values by output slot, its UI dictionary, and what they weigh.</summary>
public sealed record NodeOutputs(object?[] Values, UiOutput? Ui)
{
    public MemoryFootprint Footprint { get; } = MemoryFootprint.Of(Values);
}
