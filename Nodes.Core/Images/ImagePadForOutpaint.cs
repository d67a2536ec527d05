using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Torch;

namespace Workflow.Nodes.Core.Images;

/// <summary>
/// ComfyUI's ImagePadForOutpaint (nodes.py): the images on a larger grey (0.5) canvas, and the MASK of what to paint:
/// 1 on the new border, 0 on the picture, except a fade into it from each padded side: a pixel d &lt; feathering
/// pixels from the nearest padded edge gets ((feathering − d) / feathering)². No fade when 2·feathering does not fit
/// inside the picture, as ComfyUI.
/// </summary>
[Node("ImagePadForOutpaint", DisplayName = "Pad Image for Outpainting", Category = "image/transform",
      Description = "Pads images for outpainting, with a mask of the new border that fades into the picture.")]
public sealed class ImagePadForOutpaint : INode
{
    public sealed record Outputs(ImageBatch Image, Mask Mask) : INodeOutputs;

    public Outputs Execute(
        [Input(Tooltip = "The images to pad.")] ImageBatch image,
        [Int(Min = 0, Max = WidgetLimits.MaxResolution, Step = 8), Input(Tooltip = "Pixels added on the left.")] int left = 0,
        [Int(Min = 0, Max = WidgetLimits.MaxResolution, Step = 8), Input(Tooltip = "Pixels added on the top.")] int top = 0,
        [Int(Min = 0, Max = WidgetLimits.MaxResolution, Step = 8), Input(Tooltip = "Pixels added on the right.")] int right = 0,
        [Int(Min = 0, Max = WidgetLimits.MaxResolution, Step = 8), Input(Tooltip = "Pixels added at the bottom.")] int bottom = 0,
        [Int(Min = 0, Max = WidgetLimits.MaxResolution), Input(Tooltip = "How far into the picture the mask fades, in pixels.")] int feathering = 40)
    {
        using var scope = torch.NewDisposeScope();
        long count = image.Count, height = image.Height, width = image.Width, channels = image.Pixels.shape[3];
        var canvas = torch.full([count, height + top + bottom, width + left + right, channels], 0.5, torch.float32);
        canvas.narrow(1, top, height).narrow(2, left, width).copy_(image.Pixels);
        var mask = torch.ones([height + top + bottom, width + left + right], torch.float32);
        var fade = Fade((int)height, (int)width, new Sides(left != 0, top != 0, right != 0, bottom != 0), feathering);
        mask.narrow(0, top, height).narrow(1, left, width).copy_(torch.tensor(fade, [height, width]));
        return new Outputs(new ImageBatch(canvas.DetachFromDisposeScope()), new Mask(mask.unsqueeze(0).contiguous().DetachFromDisposeScope()));
    }

    private readonly record struct Sides(bool Left, bool Top, bool Right, bool Bottom);

    /// <summary>ComfyUI's double loop: distances to the padded sides only (an unpadded side counts as the full size), squared ramp in doubles.</summary>
    private static float[] Fade(int height, int width, Sides padded, int feathering)
    {
        var fade = new float[height * width];
        if (feathering <= 0 || feathering * 2 >= height || feathering * 2 >= width)
            return fade;
        for (int i = 0; i < height; i++)
            for (int j = 0; j < width; j++)
            {
                int d = System.Math.Min(System.Math.Min(padded.Top ? i : height, padded.Bottom ? height - i : height),
                    System.Math.Min(padded.Left ? j : width, padded.Right ? width - j : width));
                if (d >= feathering)
                    continue;
                double v = (double)(feathering - d) / feathering;
                fade[i * width + j] = (float)(v * v);
            }
        return fade;
    }
}
