using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Nodes;

/// <summary>
/// ComfyUI's LatentComposite (nodes.py): <c>samples_from</c> pasted into <c>samples_to</c> at (x, y) pixels (÷ 8,
/// floored), cut at the border. With <c>feather</c> (pixels ÷ 8 latent cells) the pasted part fades in over that many
/// cells on each side that lies inside the target: cell t from an edge has weight (t + 1) / feather, multiplied where
/// sides meet, as ComfyUI's loop does. The noise mask and batch indices are <c>samples_to</c>'s.
/// </summary>
[Node("LatentComposite", DisplayName = "Latent Composite", Category = "latent",
      Description = "Pastes one latent into another at a position, optionally feathering the edges.")]
public sealed class LatentComposite : INode
{
    public Latent Execute(
        [Input(Tooltip = "The latent pasted into.")] Latent samplesTo,
        [Input(Tooltip = "The latent pasted.")] Latent samplesFrom,
        [Int(Min = 0, Max = WidgetLimits.MaxResolution, Step = 8), Input(Tooltip = "Left edge of the paste, in pixels.")] int x = 0,
        [Int(Min = 0, Max = WidgetLimits.MaxResolution, Step = 8), Input(Tooltip = "Top edge of the paste, in pixels.")] int y = 0,
        [Int(Min = 0, Max = WidgetLimits.MaxResolution, Step = 8), Input(Tooltip = "Width of the fade at the paste's inner edges, in pixels.")] int feather = 0)
    {
        using var scope = torch.NewDisposeScope();
        var target = samplesTo.Samples;
        var result = target.clone();
        long left = x / 8, top = y / 8, fade = feather / 8;
        long height = Math.Min(samplesFrom.Samples.shape[2], target.shape[2] - top), width = Math.Min(samplesFrom.Samples.shape[3], target.shape[3] - left);
        if (height > 0 && width > 0)
        {
            var pasted = samplesFrom.Samples.narrow(2, 0, height).narrow(3, 0, width);
            var region = result.narrow(2, top, height).narrow(3, left, width);
            CheckBatches(target, pasted);
            if (fade == 0)
                region.copy_(pasted.expand_as(region));
            else
            {
                var mask = FeatherMask(pasted, fade, top != 0, top + height < target.shape[2], left != 0, left + width < target.shape[3]);
                region.copy_(pasted * mask + region * mask.rsub(1.0));
            }
        }
        return new Latent(result.DetachFromDisposeScope(), samplesTo.NoiseMask?.clone().DetachFromDisposeScope(), samplesTo.BatchIndex);
    }

    /// <summary>ComfyUI's loop: for t below feather, row/column t from each inner edge is multiplied by (t + 1) / feather (Python slices, so a fade wider than the paste wraps as it does there).</summary>
    private static Tensor FeatherMask(Tensor pasted, long feather, bool fadeTop, bool fadeBottom, bool fadeLeft, bool fadeRight)
    {
        var mask = torch.ones_like(pasted);
        long rows = mask.shape[2], columns = mask.shape[3];
        for (long t = 0; t < feather; t++)
        {
            double weight = 1.0 / feather * (t + 1);
            if (fadeTop)
                mask.slice(2, t, 1 + t).mul_(weight);
            if (fadeBottom)
                mask.slice(2, rows - 1 - t, rows - t).mul_(weight);
            if (fadeLeft)
                mask.slice(3, t, 1 + t).mul_(weight);
            if (fadeRight)
                mask.slice(3, columns - 1 - t, columns - t).mul_(weight);
        }
        return mask;
    }

    private static void CheckBatches(Tensor target, Tensor pasted)
    {
        if (pasted.shape[0] != 1 && pasted.shape[0] != target.shape[0])
            throw new InputException("samples_from", $"a batch of {pasted.shape[0]}", $"it pastes into a batch of {target.shape[0]}: give one latent or as many");
        if (pasted.shape[1] != target.shape[1])
            throw new InputException("samples_from", $"{pasted.shape[1]} channels", $"samples_to has {target.shape[1]}");
    }
}
