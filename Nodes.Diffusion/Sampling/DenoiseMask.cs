using Workflow.Nodes.Diffusion.Sampling.Conds;
using Workflow.NodeSdk.Data;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Sampling;

/// <summary>
/// ComfyUI's comfy/sampler_helpers.py prepare_mask (comfy.utils.reshape_mask) for image latents: a LATENT's noise mask,
/// any batch at any size, as [-1, 1, h, w] resized bilinearly (align_corners unset) to the latent's h × w, repeated
/// over its channels and, cycling, to its batch (repeat_to_batch_size). 1 is sampled, 0 kept.
/// </summary>
public static class DenoiseMask
{
    public static Tensor Prepare(Tensor noiseMask, long[] latentShape)
    {
        if (latentShape.Length != 4)
            throw new NotSupportedException($"a noise mask on a latent of shape [{string.Join(", ", latentShape)}]: inpainting is ported for image latents [B, C, H, W]");
        using var scope = torch.NewDisposeScope();
        var mask = Mask.WithChannelAxis(noiseMask.to(torch.float32));
        mask = F.interpolate(mask, size: [latentShape[2], latentShape[3]], mode: InterpolateMode.Bilinear);
        mask = mask.repeat(1, latentShape[1], 1, 1);
        return AreaAndMult.RepeatToBatch(mask, latentShape[0]).contiguous().MoveToOuterDisposeScope();
    }
}
