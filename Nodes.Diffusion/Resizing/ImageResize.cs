using Workflow.NodeSdk.Data;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Resizing;

/// <summary>
/// ComfyUI's image resizes (ImageScale, ImageScaleBy, ImageBatch): the IMAGE moved to channels-first, through
/// <see cref="CommonUpscale"/>, and back. The result owns its pixels.
/// </summary>
public static class ImageResize
{
    public static ImageBatch Apply(ImageBatch image, long width, long height, ImageUpscaleMethod method, CropMethod crop)
    {
        using var scope = torch.NewDisposeScope();
        var resized = CommonUpscale.Resize(image.Pixels.permute(0, 3, 1, 2), width, height, Method(method), crop);
        return new ImageBatch(resized.permute(0, 2, 3, 1).contiguous().DetachFromDisposeScope());
    }

    private static UpscaleMethod Method(ImageUpscaleMethod method) => method switch
    {
        ImageUpscaleMethod.NearestExact => UpscaleMethod.NearestExact,
        ImageUpscaleMethod.Bilinear => UpscaleMethod.Bilinear,
        ImageUpscaleMethod.Area => UpscaleMethod.Area,
        _ => UpscaleMethod.Bicubic,
    };
}
