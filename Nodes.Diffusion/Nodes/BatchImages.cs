using Workflow.Nodes.Diffusion.Resizing;
using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Nodes;

/// <summary>
/// ComfyUI's ImageBatch (nodes.py): <c>image2</c> appended to <c>image1</c>. Where one has an alpha channel the other
/// gets an opaque one (1.0); where the sizes differ, <c>image2</c> is resized to <c>image1</c>'s (bilinear,
/// centre-cropped to its aspect first).
/// </summary>
[Node("ImageBatch", DisplayName = "Batch Images", Category = "image/batch", Description = "Joins two image batches, resizing the second to the first.")]
public sealed class BatchImages : INode
{
    public ImageBatch Execute(
        [Input(Tooltip = "The first images.")] ImageBatch image1,
        [Input(Tooltip = "The images appended; resized to the first's size.")] ImageBatch image2)
    {
        using var scope = torch.NewDisposeScope();
        var first = WithChannels(image1.Pixels, image2.Pixels.shape[3]);
        var second = WithChannels(image2.Pixels, image1.Pixels.shape[3]);
        if (!first.shape[1..].SequenceEqual(second.shape[1..]))
        {
            using var resized = ImageResize.Apply(new ImageBatch(second), first.shape[2], first.shape[1], ImageUpscaleMethod.Bilinear, CropMethod.Center);
            second = resized.Pixels.clone();
        }
        return new ImageBatch(torch.cat([first, second], 0).DetachFromDisposeScope());
    }

    /// <summary>One opaque channel appended when the other batch has more (RGB beside RGBA).</summary>
    private static Tensor WithChannels(Tensor pixels, long otherChannels) =>
        pixels.shape[3] < otherChannels ? F.pad(pixels, [0, 1], value: 1.0) : pixels;
}
