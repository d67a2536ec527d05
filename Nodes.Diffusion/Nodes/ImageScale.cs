using Workflow.Nodes.Diffusion.Resizing;
using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;

namespace Workflow.Nodes.Diffusion.Nodes;

/// <summary>
/// ComfyUI's ImageScale (nodes.py): resizes images to width × height by comfy.utils.common_upscale (a side of 0
/// follows the other's aspect, Python-rounded, at least 1; both 0 leave the images as they are), optionally
/// centre-cropped to the new aspect first. How a reference picture is brought to the size of the views it conditions.
/// </summary>
[Node("ImageScale", DisplayName = "Upscale Image", Category = "image/upscaling", Description = "Resizes images to a width and height.")]
public sealed class ImageScale : INode
{
    public ImageBatch Execute(
        [Input(Tooltip = "The images to resize.")] ImageBatch image,
        [Input(Tooltip = "How to resize (PyTorch's interpolate).")] ImageUpscaleMethod upscaleMethod = ImageUpscaleMethod.NearestExact,
        [Int(Min = 0, Max = WidgetLimits.MaxResolution), Input(Tooltip = "Target width in pixels; 0 follows the height's aspect.")] int width = 512,
        [Int(Min = 0, Max = WidgetLimits.MaxResolution), Input(Tooltip = "Target height in pixels; 0 follows the width's aspect.")] int height = 512,
        [Input(Tooltip = "center cuts the images to the target's aspect first.")] CropMethod crop = CropMethod.Disabled)
    {
        long oldHeight = image.Height, oldWidth = image.Width;
        if (width == 0 && height == 0)
            return new ImageBatch(image.Pixels.clone().DetachFromDisposeScope());
        long newWidth = width == 0 ? Math.Max(1, (long)Math.Round((double)oldWidth * height / oldHeight)) : width;
        long newHeight = height == 0 ? Math.Max(1, (long)Math.Round((double)oldHeight * width / oldWidth)) : height;
        return ImageResize.Apply(image, newWidth, newHeight, upscaleMethod, crop);
    }
}
