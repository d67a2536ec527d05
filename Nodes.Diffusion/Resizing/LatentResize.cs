using Workflow.NodeSdk.Data;

namespace Workflow.Nodes.Diffusion.Resizing;

/// <summary>
/// A LATENT with its samples resized, as ComfyUI's latent nodes return it (a shallow copy of the dict): the noise mask
/// and batch indices travel unchanged. The result owns its tensors.
/// </summary>
public static class LatentResize
{
    public static Latent Apply(Latent latent, long width, long height, UpscaleMethod method, CropMethod crop) =>
        new(CommonUpscale.Resize(latent.Samples, width, height, method, crop), latent.NoiseMask?.clone(), latent.BatchIndex);

    public static Latent Copy(Latent latent) => new(latent.Samples.clone(), latent.NoiseMask?.clone(), latent.BatchIndex);
}
