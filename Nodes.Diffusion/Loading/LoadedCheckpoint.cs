using Workflow.Nodes.Diffusion.Components;
using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Loading;

/// <summary>What a Stable Diffusion checkpoint holds: the denoiser, the text encoders with their tokenizers, and the VAE.</summary>
public sealed record LoadedCheckpoint(DiffusionModel Model, IClip Clip, ImageVae Vae) : IDisposable
{
    /// <summary>
    /// Moves every weight to <paramref name="device"/> in <paramref name="dtype"/> (in place; the CPU copies are
    /// freed); the VAE stays in float32 where float16 would overflow.
    /// </summary>
    public LoadedCheckpoint To(Device device, ScalarType dtype)
    {
        Model.Network.Module.to(device, dtype);
        Clip.To(device, dtype);
        Vae.To(device, dtype);
        return this;
    }

    /// <summary>Frees the weights of all three parts.</summary>
    public void Dispose()
    {
        Model.Dispose();
        Clip.Dispose();
        Vae.Dispose();
    }
}
