using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;

namespace Workflow.Nodes.Diffusion.Nodes;

/// <summary>
/// ComfyUI's ConditioningSetMask (nodes.py): every entry applies where <c>mask</c> is, weighted by it times
/// <c>strength</c> (the mask is resized to the latent when sampling, bilinearly). With "mask bounds" the model is run
/// only on the box around the mask's nonzero cells (at least 8 latent cells a side), as ComfyUI's set_area_to_bounds.
/// </summary>
[Node("ConditioningSetMask", DisplayName = "Conditioning (Set Mask)", Category = "conditioning",
      Description = "Confines the conditioning to a mask, with a weight.")]
public sealed class ConditioningSetMask : INode
{
    /// <summary>ComfyUI's set_cond_area choices.</summary>
    public enum CondArea
    {
        Default,
        [WireName("mask bounds")] MaskBounds,
    }

    public Conditioning Execute(Conditioning conditioning, Mask mask,
        [Float(Min = 0.0, Max = 10.0, Step = 0.01)] double strength = 1.0,
        CondArea setCondArea = CondArea.Default)
    {
        var values = mask.Values;
        if (values.ndim is < 2 or > 3)
            throw new InputException("mask", $"[{string.Join(", ", values.shape)}]", "a mask is [H, W] or [B, H, W]");
        return new([.. conditioning.Entries.Select(entry => entry.Share(mask: values.ndim < 3 ? values.unsqueeze(0) : values.alias()) with
        {
            SetAreaToBounds = setCondArea == CondArea.MaskBounds, MaskStrength = strength,
        })]);
    }
}
