using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Nodes;

/// <summary>
/// ComfyUI's IMAGE ↔ what a VAE reads and writes, shared by the VAE nodes: diffusers' VaeImageProcessor / VideoProcessor
/// normalisation ([0, 1] ↔ [-1, 1], clamped on the way out) and ComfyUI's centre crop to the VAE's factor.
/// </summary>
internal static class VaePixels
{
    /// <summary>
    /// IMAGE [N, H, W, C] → [N, 3, H', W'] in [-1, 1], the largest centred crop whose sides are multiples of
    /// <paramref name="factor"/> (ComfyUI's vae_encode_crop_pixels); alpha is dropped.
    /// </summary>
    public static Tensor ToModelInput(ImageBatch pixels, int factor, string input)
    {
        long height = pixels.Height / factor * factor, width = pixels.Width / factor * factor;
        if (height == 0 || width == 0)
            throw new InputException(input, $"{pixels.Width}x{pixels.Height}", $"an image must be at least {factor}x{factor} pixels to encode");
        var cropped = pixels.Pixels
            .narrow(1, (pixels.Height - height) / 2, height)
            .narrow(2, (pixels.Width - width) / 2, width)
            .slice(3, 0, 3);
        return cropped.permute(0, 3, 1, 2) * 2.0 - 1.0;   // VaeImageProcessor.normalize
    }

    /// <summary>Decoded pixels in about [-1, 1], channels at <paramref name="channelDim"/> → [0, 1] clamped, channels last, on the CPU.</summary>
    public static Tensor ToImage(Tensor decoded, int channelDim)
    {
        var image = torch.clamp(decoded / 2 + 0.5, 0.0, 1.0);   // VaeImageProcessor.denormalize
        var order = Enumerable.Range(0, (int)decoded.ndim).Where(d => d != channelDim).Append(channelDim).Select(d => (long)d).ToArray();
        return image.permute(order).cpu().contiguous();
    }
}
