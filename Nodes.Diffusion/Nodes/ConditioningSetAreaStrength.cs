using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;

namespace Workflow.Nodes.Diffusion.Nodes;

/// <summary>ComfyUI's ConditioningSetAreaStrength (nodes.py): every entry's weight, its area kept.</summary>
[Node("ConditioningSetAreaStrength", Category = "conditioning",
      Description = "Sets the weight of the conditioning's prediction where it applies.")]
public sealed class ConditioningSetAreaStrength : INode
{
    public Conditioning Execute(Conditioning conditioning, [Float(Min = 0.0, Max = 10.0, Step = 0.01)] double strength = 1.0) =>
        new([.. conditioning.Entries.Select(entry => entry.Share() with { Strength = strength })]);
}
