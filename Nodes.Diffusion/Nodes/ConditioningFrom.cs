using Microsoft.Extensions.Logging;
using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;

namespace Workflow.Nodes.Diffusion.Nodes;

/// <summary>The <c>conditioning_from</c> input of ConditioningConcat and ConditioningAverage: only its first entry is used, as in ComfyUI.</summary>
internal static class ConditioningFrom
{
    public static ConditioningEntry First(NodeContext context, Conditioning conditioningFrom, string node)
    {
        if (conditioningFrom.Entries.Count > 1)
            context.Logger.LogWarning("{Node}: conditioning_from has {Count} entries; only the first is applied to conditioning_to", node, conditioningFrom.Entries.Count);
        return conditioningFrom.Entries[0];
    }
}
