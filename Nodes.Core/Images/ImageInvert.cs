using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Torch;

namespace Workflow.Nodes.Core.Images;

/// <summary>ComfyUI's ImageInvert (nodes.py): 1 − every colour channel; an alpha channel (the fourth) is kept, being transparency, not colour.</summary>
[Node("ImageInvert", DisplayName = "Invert Image Colors", Category = "image/color", Description = "Inverts the colours of images.")]
public sealed class ImageInvert : INode
{
    public ImageBatch Execute([Input(Tooltip = "The images to invert.")] ImageBatch image)
    {
        using var scope = torch.NewDisposeScope();
        var inverted = image.Pixels.rsub(1.0);
        if (image.Pixels.shape[3] == 4)
            inverted = torch.cat([inverted.slice(3, 0, 3), image.Pixels.slice(3, 3, 4)], 3);
        return new ImageBatch(inverted.contiguous().DetachFromDisposeScope());
    }
}
