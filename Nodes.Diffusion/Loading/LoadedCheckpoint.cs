using Workflow.Nodes.Diffusion.Components;
using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Loading;

/// <summary>What a Stable Diffusion checkpoint holds: the denoiser, the text encoders with their tokenizers, and the VAE.</summary>
public sealed record LoadedCheckpoint(DiffusionModel Model, IClip Clip, ImageVae Vae) : IDisposable
{
    /// <summary>Moves every weight to <paramref name="device"/> (in place; the CPU copies are freed).</summary>
    public LoadedCheckpoint To(Device device)
    {
        Model.Network.Module.to(device);
        Clip.To(device);
        Vae.To(device);
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
