using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Torch;

namespace Workflow.Nodes.Core.Images;

/// <summary>ComfyUI's EmptyImage (nodes.py): a batch of images of one colour, given as the integer 0xRRGGBB (each channel its byte / 255).</summary>
[Node("EmptyImage", DisplayName = "Empty Image", Category = "image", Description = "A batch of images filled with one colour.")]
public sealed class EmptyImage : INode
{
    public ImageBatch Execute(
        [Int(Min = 1, Max = WidgetLimits.MaxResolution), Input(Tooltip = "Width in pixels.")] int width = 512,
        [Int(Min = 1, Max = WidgetLimits.MaxResolution), Input(Tooltip = "Height in pixels.")] int height = 512,
        [Int(Min = 1, Max = 4096), Input(Tooltip = "Images in the batch.")] int batchSize = 1,
        [Int(Min = 0, Max = 0xFFFFFF), Input(Tooltip = "The colour as 0xRRGGBB.")] int color = 0)
    {
        using var scope = torch.NewDisposeScope();
        var channels = new[] { 16, 8, 0 }
            .Select(shift => torch.full([batchSize, height, width, 1], ((color >> shift) & 0xFF) / 255.0, torch.float32))
            .ToArray();
        return new ImageBatch(torch.cat(channels, 3).DetachFromDisposeScope());
    }
}
