using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Sampling;

/// <summary>
/// An empty (all-zero) latent with another model's channel count is widened to this model's, as ComfyUI's
/// fix_empty_latent_channels does, so EmptyLatentImage's 4 channels serve 16-channel models too.
/// </summary>
public static class LatentChannels
{
    public static Tensor Fit(Tensor samples, int channels)
    {
        if (samples.shape[1] == channels)
            return samples;
        using var nonZero = samples.ne(0).any();
        if (nonZero.item<bool>())
            throw new ArgumentException($"The latent has {samples.shape[1]} channels and is not empty, but the model takes {channels}: use a latent made for this model.");
        return torch.zeros([samples.shape[0], channels, samples.shape[2], samples.shape[3]], dtype: samples.dtype, device: samples.device);
    }
}
