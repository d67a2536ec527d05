using Workflow.Nodes.Diffusion.Resizing;
using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;

namespace Workflow.Nodes.Diffusion.Nodes;

/// <summary>ComfyUI's ImageScaleBy (nodes.py): each side × <c>scale_by</c>, Python-rounded (half to even), by ImageScale's methods.</summary>
[Node("ImageScaleBy", DisplayName = "Upscale Image By", Category = "image/upscaling", Description = "Resizes images by a factor.")]
public sealed class ImageScaleBy : INode
{
    public ImageBatch Execute(
        [Input(Tooltip = "The images to resize.")] ImageBatch image,
        [Input(Tooltip = "How to resize (PyTorch's interpolate).")] ImageUpscaleMethod upscaleMethod = ImageUpscaleMethod.NearestExact,
        [Float(Min = 0.01, Max = 8.0, Step = 0.01), Input(Tooltip = "The factor for both sides.")] double scaleBy = 1.0)
    {
        long width = (long)Math.Round(image.Width * scaleBy), height = (long)Math.Round(image.Height * scaleBy);
        if (width < 1 || height < 1)
            throw new InputException("scale_by", scaleBy, $"a {image.Width}x{image.Height} image scaled by it has no pixels ({width}x{height})");
        return ImageResize.Apply(image, width, height, upscaleMethod, CropMethod.Disabled);
    }
}
