using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Nodes;

/// <summary>
/// ComfyUI's SetLatentNoiseMask (nodes.py): the latent with <c>mask</c> as its noise mask, reshaped to [B, 1, H, W];
/// a sampler then changes only where the mask is 1 (inpainting on any model), resizing it to the latent as it starts.
/// </summary>
[Node("SetLatentNoiseMask", DisplayName = "Set Latent Noise Mask", Category = "latent/inpaint",
      Description = "Limits sampling to the masked part of a latent (1 = resampled, 0 = kept).")]
public sealed class SetLatentNoiseMask : INode
{
    public Latent Execute(
        [Input(Tooltip = "The latent to inpaint.")] Latent samples,
        [Input(Tooltip = "Where to sample: 1 is resampled, 0 kept; resized to the latent when sampling.")] Mask mask)
    {
        var noiseMask = Mask.WithChannelAxis(mask.Values).to(torch.float32, Device.CPU, copy: true);
        return new Latent(samples.Samples.clone().DetachFromDisposeScope(), noiseMask.DetachFromDisposeScope(), samples.BatchIndex);
    }
}
