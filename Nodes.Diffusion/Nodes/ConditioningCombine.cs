using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;

namespace Workflow.Nodes.Diffusion.Nodes;

/// <summary>
/// ComfyUI's ConditioningCombine (nodes.py): the entries of both, the first's first. A sampler runs each entry and
/// averages their predictions by weight, so two prompts (or two areas) steer one image.
/// </summary>
[Node("ConditioningCombine", DisplayName = "Conditioning (Combine)", Category = "conditioning",
      Description = "Joins two conditionings: the sampler runs every entry and mixes their predictions.")]
public sealed class ConditioningCombine : INode
{
    public Conditioning Execute([Input(Name = "conditioning_1")] Conditioning conditioning1, [Input(Name = "conditioning_2")] Conditioning conditioning2) =>
        new([.. conditioning1.Entries.Concat(conditioning2.Entries).Select(entry => entry.Share())]);
}
