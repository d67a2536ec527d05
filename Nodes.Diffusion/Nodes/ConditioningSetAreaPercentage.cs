using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;

namespace Workflow.Nodes.Diffusion.Nodes;

/// <summary>
/// ComfyUI's ConditioningSetAreaPercentage (nodes.py): as ConditioningSetArea with the box in fractions of the image's
/// sides, turned into latent cells when sampling (Python-rounded; at least one cell wide).
/// </summary>
[Node("ConditioningSetAreaPercentage", DisplayName = "Conditioning (Set Area with Percentage)", Category = "conditioning",
      Description = "Confines the conditioning to a box given in fractions of the image, with a weight.")]
public sealed class ConditioningSetAreaPercentage : INode
{
    public Conditioning Execute(Conditioning conditioning,
        [Float(Min = 0.0, Max = 1.0, Step = 0.01)] double width = 1.0,
        [Float(Min = 0.0, Max = 1.0, Step = 0.01)] double height = 1.0,
        [Float(Min = 0.0, Max = 1.0, Step = 0.01)] double x = 0.0,
        [Float(Min = 0.0, Max = 1.0, Step = 0.01)] double y = 0.0,
        [Float(Min = 0.0, Max = 10.0, Step = 0.01)] double strength = 1.0) =>
        new([.. conditioning.Entries.Select(entry => entry.Share() with
        {
            Area = new FractionalArea(height, width, y, x), Strength = strength, SetAreaToBounds = false,
        })]);
}
