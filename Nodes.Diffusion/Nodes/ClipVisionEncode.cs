using Workflow.Nodes.Diffusion.Components;
using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;

namespace Workflow.Nodes.Diffusion.Nodes;

/// <summary>
/// ComfyUI's CLIPVisionEncode: each image prepared exactly as transformers' CLIPImageProcessor prepares it (Pillow
/// bicubic resize of the shortest side, center crop, CLIP's mean and std), then encoded by the vision tower.
/// </summary>
[Node("CLIPVisionEncode", DisplayName = "CLIP Vision Encode", Category = "conditioning",
      Description = "Encodes images with a CLIP vision model, for IP-Adapter and image-prompted models.")]
public sealed class ClipVisionEncode : INode
{
    public enum Crop
    {
        Center,
        None,
    }

    public ClipVisionOutput Execute(
        [Input(Tooltip = "The CLIP vision model.")] ClipVision clipVision,
        [Input(Tooltip = "The images to encode.")] ImageBatch image,
        [Input(Tooltip = "center: resize the short side to the model's size and crop the middle; none: squash the whole image to a square.")] Crop crop = Crop.Center) =>
        clipVision.Encode(image, cropToSquare: crop == Crop.Center);
}
