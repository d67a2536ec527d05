using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Resizing;

/// <summary>
/// ComfyUI's comfy.utils.common_upscale for [B, C, H, W]: with crop "center" the input is first cut to the target's
/// aspect (the margin Python-rounded, half to even), then resized to <c>height</c> × <c>width</c> by
/// torch.nn.functional.interpolate in the named mode (align_corners unset, no antialias) or by <see cref="Bislerp"/>.
/// </summary>
public static class CommonUpscale
{
    public static Tensor Resize(Tensor samples, long width, long height, UpscaleMethod method, CropMethod crop)
    {
        if (width < 1 || height < 1)
            throw new ArgumentOutOfRangeException(nameof(width), $"{width}x{height}: a resized latent needs at least one cell per side");
        using var scope = torch.NewDisposeScope();
        var source = crop == CropMethod.Center ? CenterCrop(samples, width, height) : samples;
        var resized = method switch
        {
            UpscaleMethod.Bislerp => Bislerp.Resize(source, width, height),
            _ => F.interpolate(source, size: [height, width], mode: Mode(method)),
        };
        return resized.MoveToOuterDisposeScope();
    }

    private static InterpolateMode Mode(UpscaleMethod method) => method switch
    {
        UpscaleMethod.NearestExact => InterpolateMode.NearestExact,
        UpscaleMethod.Bilinear => InterpolateMode.Bilinear,
        UpscaleMethod.Area => InterpolateMode.Area,
        _ => InterpolateMode.Bicubic,
    };

    /// <summary>The centred part of <paramref name="samples"/> with the aspect of width × height, computed in doubles as Python does.</summary>
    private static Tensor CenterCrop(Tensor samples, long width, long height)
    {
        long oldWidth = samples.shape[3], oldHeight = samples.shape[2];
        double oldAspect = (double)oldWidth / oldHeight, newAspect = (double)width / height;
        long x = 0, y = 0;
        if (oldAspect > newAspect)
            x = (long)Math.Round((oldWidth - oldWidth * (newAspect / oldAspect)) / 2);
        else if (oldAspect < newAspect)
            y = (long)Math.Round((oldHeight - oldHeight * (oldAspect / newAspect)) / 2);
        return samples.narrow(2, y, oldHeight - 2 * y).narrow(3, x, oldWidth - 2 * x);
    }
}
