using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Torch;

namespace Workflow.Nodes.Core.Images;

/// <summary>
/// ComfyUI's ImageCrop (comfy_extras/nodes_images.py): the width × height part from (x, y), the corner moved inside
/// the image (to the last row or column at most) and the part cut at its border.
/// </summary>
[Node("ImageCrop", DisplayName = "Crop Image", Category = "image/transform", Description = "Crops images to a rectangle.")]
public sealed class ImageCrop : INode
{
    public ImageBatch Execute(
        [Input(Tooltip = "The images to crop.")] ImageBatch image,
        [Int(Min = 1, Max = WidgetLimits.MaxResolution), Input(Tooltip = "Width of the part kept, in pixels.")] int width = 512,
        [Int(Min = 1, Max = WidgetLimits.MaxResolution), Input(Tooltip = "Height of the part kept, in pixels.")] int height = 512,
        [Int(Min = 0, Max = WidgetLimits.MaxResolution), Input(Tooltip = "Left edge of the part kept.")] int x = 0,
        [Int(Min = 0, Max = WidgetLimits.MaxResolution), Input(Tooltip = "Top edge of the part kept.")] int y = 0)
    {
        long left = System.Math.Min(x, image.Width - 1), top = System.Math.Min(y, image.Height - 1);
        using var scope = torch.NewDisposeScope();
        var part = image.Pixels.slice(1, top, top + height).slice(2, left, left + width);
        return new ImageBatch(part.clone().contiguous().DetachFromDisposeScope());
    }
}
