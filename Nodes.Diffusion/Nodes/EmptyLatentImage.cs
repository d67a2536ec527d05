using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Nodes;

/// <summary>A batch of zero latents (4 channels, 1/8 of the image size) to start text-to-image sampling from (ComfyUI's EmptyLatentImage).</summary>
[Node("EmptyLatentImage", DisplayName = "Empty Latent Image", Category = "latent",
      Description = "Create a new batch of empty latent images to be denoised via sampling.")]
public sealed class EmptyLatentImage : INode, IValidateInputs
{
    public Latent Execute(
        [Int(Min = 16, Max = WidgetLimits.MaxResolution, Step = 8), Input(Tooltip = "The width of the latent images in pixels.")] int width = 512,
        [Int(Min = 16, Max = WidgetLimits.MaxResolution, Step = 8), Input(Tooltip = "The height of the latent images in pixels.")] int height = 512,
        [Int(Min = 1, Max = 4096), Input(Tooltip = "The number of latent images in the batch.")] int batchSize = 1)
        => new(torch.zeros([batchSize, 4, height / 8, width / 8], dtype: torch.float32));

    /// <summary>ComfyUI silently rounds down; an image size the VAE cannot reproduce is reported instead.</summary>
    public IEnumerable<InputProblem> Validate(InputValues literals, NodePaths paths) => SidesNotMultipleOf(literals, 8, "latents are 1/8 of the image size");

    /// <summary>A problem for each of width and height given as a literal that is not a multiple of <paramref name="multiple"/>, saying <paramref name="why"/>.</summary>
    internal static IEnumerable<InputProblem> SidesNotMultipleOf(InputValues literals, int multiple, string why) =>
        new[] { "width", "height" }
            .Where(name => literals.Contains(name) && literals.Get<int>(name) % multiple != 0)
            .Select(name => new InputProblem(name, $"{literals.Get<int>(name)} is not a multiple of {multiple} ({why})"));
}
