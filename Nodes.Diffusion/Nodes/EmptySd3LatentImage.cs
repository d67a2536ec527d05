using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Nodes;

/// <summary>ComfyUI's EmptySD3LatentImage: zero latents with SD3's 16 channels at 1/8 of the image size.</summary>
[Node("EmptySD3LatentImage", DisplayName = "EmptySD3LatentImage", Category = "latent/sd3",
      Description = "Create a new batch of empty 16-channel latent images for SD3 to denoise.")]
public sealed class EmptySd3LatentImage : INode, IValidateInputs
{
    public Latent Execute(
        [Int(Min = 16, Max = WidgetLimits.MaxResolution, Step = 16), Input(Tooltip = "The width of the latent images in pixels.")] int width = 1024,
        [Int(Min = 16, Max = WidgetLimits.MaxResolution, Step = 16), Input(Tooltip = "The height of the latent images in pixels.")] int height = 1024,
        [Int(Min = 1, Max = 4096), Input(Tooltip = "The number of latent images in the batch.")] int batchSize = 1)
        => new(torch.zeros([batchSize, 16, height / 8, width / 8], dtype: torch.float32));

    /// <summary>ComfyUI rounds down; the MM-DiT takes 2×2 patches of 1/8-size latents, so a side must be a multiple of 16 (diffusers checks the same).</summary>
    public IEnumerable<InputProblem> Validate(InputValues literals, NodePaths paths) =>
        EmptyLatentImage.SidesNotMultipleOf(literals, 16, "SD3 latents are 1/8 of the image, in 2×2 patches");
}
