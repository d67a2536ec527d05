using Workflow.Nodes.Diffusion.Resizing;
using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;

namespace Workflow.Nodes.Diffusion.Nodes;

/// <summary>ComfyUI's LatentUpscaleBy (nodes.py): resizes the latent by <c>scale_by</c> (each side Python-rounded, half to even).</summary>
[Node("LatentUpscaleBy", DisplayName = "Upscale Latent By", Category = "latent", Description = "Resizes latents by a factor.")]
public sealed class LatentUpscaleBy : INode
{
    public Latent Execute(
        [Input(Tooltip = "The latent to upscale.")] Latent samples,
        [Input(Tooltip = "How to resize.")] UpscaleMethod upscaleMethod = UpscaleMethod.NearestExact,
        [Float(Min = 0.01, Max = 8.0, Step = 0.01), Input(Tooltip = "The factor for both sides.")] double scaleBy = 1.5)
    {
        long width = (long)Math.Round(samples.Samples.shape[3] * scaleBy), height = (long)Math.Round(samples.Samples.shape[2] * scaleBy);
        if (width < 1 || height < 1)
            throw new InputException("scale_by", scaleBy, $"a {samples.Samples.shape[3]}x{samples.Samples.shape[2]} latent scaled by it has no cells ({width}x{height})");
        return LatentResize.Apply(samples, width, height, upscaleMethod, CropMethod.Disabled);
    }
}
