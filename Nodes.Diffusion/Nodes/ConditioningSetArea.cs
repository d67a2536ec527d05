using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;

namespace Workflow.Nodes.Diffusion.Nodes;

/// <summary>
/// ComfyUI's ConditioningSetArea (nodes.py): every entry applies to a box of the image, in pixels, kept as latent cells
/// (÷ 8, rounded down) with <c>strength</c> as its weight; the sampler feathers the box's inner edges.
/// </summary>
[Node("ConditioningSetArea", DisplayName = "Conditioning (Set Area)", Category = "conditioning",
      Description = "Confines the conditioning to a box of the image, with a weight.")]
public sealed class ConditioningSetArea : INode
{
    public Conditioning Execute(Conditioning conditioning,
        [Int(Min = 64, Max = WidgetLimits.MaxResolution, Step = 8)] int width = 64,
        [Int(Min = 64, Max = WidgetLimits.MaxResolution, Step = 8)] int height = 64,
        [Int(Min = 0, Max = WidgetLimits.MaxResolution, Step = 8)] int x = 0,
        [Int(Min = 0, Max = WidgetLimits.MaxResolution, Step = 8)] int y = 0,
        [Float(Min = 0.0, Max = 10.0, Step = 0.01)] double strength = 1.0) =>
        new([.. conditioning.Entries.Select(entry => entry.Share() with
        {
            Area = new LatentArea(height / 8, width / 8, y / 8, x / 8), Strength = strength, SetAreaToBounds = false,
        })]);
}
