using Workflow.Nodes.Diffusion.Components;
using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Nodes;

/// <summary>
/// ComfyUI's VAEEncodeForInpaint (nodes.py), for inpainting models and plain ones alike: the mask resized bilinearly
/// to the pixels, both centre-cropped to the VAE's factor; the masked pixels (mask rounded) set to grey 0.5 before
/// encoding, so the model sees nothing of what it repaints; the noise mask is the rounded mask grown by
/// <c>grow_mask_by</c> pixels (a box filter of that size, clamped to 1, then rounded) so the seam is resampled too.
/// </summary>
[Node("VAEEncodeForInpaint", DisplayName = "VAE Encode (for Inpainting)", Category = "latent/inpaint",
      Description = "Encodes images for inpainting: the masked part greyed out, the mask (grown) as the latent's noise mask.")]
public sealed class VaeEncodeForInpaint : INode
{
    public Latent Execute(
        [Input(Tooltip = "The images to inpaint.")] ImageBatch pixels,
        [Input(Tooltip = "The VAE to encode with.")] VaeModel vae,
        [Input(Tooltip = "Where to repaint: 1 is repainted.")] Mask mask,
        [Int(Min = 0, Max = 64), Input(Tooltip = "Pixels to grow the mask by, so the seam is resampled too.")] int growMaskBy = 6)
    {
        if (vae is not ImageVae imageVae)
            throw new InputException("vae", vae.KindName, "inpainting encodes with an image VAE");
        using var scope = torch.NewDisposeScope();
        int factor = imageVae.DownscaleFactor;
        long height = pixels.Height / factor * factor, width = pixels.Width / factor * factor;
        long top = pixels.Height % factor / 2, left = pixels.Width % factor / 2;
        var resized = F.interpolate(Mask.WithChannelAxis(mask.Values.to(torch.float32)),
            size: [pixels.Height, pixels.Width], mode: InterpolateMode.Bilinear);
        var cropped = resized.narrow(2, top, height).narrow(3, left, width);
        var image = pixels.Pixels.narrow(1, top, height).narrow(2, left, width);
        if (cropped.shape[0] != 1 && cropped.shape[0] != image.shape[0])
            throw new InputException("mask", $"a batch of {cropped.shape[0]}", $"it masks a batch of {image.shape[0]} images: give one mask or as many");

        var rounded = cropped.round();
        var keep = rounded.rsub(1.0).squeeze(1).unsqueeze(-1);   // [B, H, W, 1]
        var grey = torch.cat([(image.slice(3, 0, 3) - 0.5) * keep + 0.5, image.slice(3, 3)], 3);
        using var greyed = new ImageBatch(grey.contiguous());
        var latents = VaeEncode.EncodeImages(greyed, imageVae);
        return new Latent(latents.DetachFromDisposeScope(), Grown(rounded, growMaskBy).DetachFromDisposeScope());
    }

    /// <summary>conv2d with a ones(g, g) kernel and padding ⌈(g − 1)/2⌉ (an even g grows one more pixel down and right), clamped, cut to size, rounded.</summary>
    private static Tensor Grown(Tensor rounded, int grow)
    {
        if (grow == 0)
            return rounded.clone();
        var kernel = torch.ones([1, 1, grow, grow], torch.float32);
        long padding = grow / 2;   // ⌈(g − 1) / 2⌉
        var grown = torch.clamp(F.conv2d(rounded, kernel, padding: padding), 0.0, 1.0);
        return grown.narrow(2, 0, rounded.shape[2]).narrow(3, 0, rounded.shape[3]).round();
    }
}
