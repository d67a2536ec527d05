using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;

namespace Workflow.Nodes.Diffusion.Nodes;

/// <summary>
/// ComfyUI's ConditioningSetTimestepRange (nodes.py): every entry applies only between <c>start</c> and <c>end</c>, as
/// fractions of sampling (the sampler turns them into noise levels through the model's sampling, percent_to_sigma).
/// </summary>
[Node("ConditioningSetTimestepRange", Category = "advanced/conditioning",
      Description = "Applies the conditioning only between two fractions of sampling.")]
public sealed class ConditioningSetTimestepRange : INode
{
    public Conditioning Execute(Conditioning conditioning,
        [Float(Min = 0.0, Max = 1.0, Step = 0.001)] double start = 0.0,
        [Float(Min = 0.0, Max = 1.0, Step = 0.001)] double end = 1.0) =>
        new([.. conditioning.Entries.Select(entry => entry.Share() with { StartPercent = start, EndPercent = end })]);
}
