using Workflow.Nodes.Diffusion.Models.Vae;
using Workflow.NodeSdk;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Components;

/// <summary>ComfyUI's VAE: encodes images into latents and decodes them back (latents without the model's scaling factor).</summary>
[SocketType("VAE")]
public sealed class VaeModel(AutoencoderKL autoencoder) : IDisposable, IMemoryFootprint
{
    public AutoencoderKL Autoencoder { get; } = autoencoder;

    /// <summary>Pixels per latent cell along each side (8 for SD): 2^(number of down blocks − 1).</summary>
    public int DownscaleFactor => 1 << (Autoencoder.Config.BlockOutChannels.Length - 1);

    public Device Device => ModuleMemory.DeviceOf(Autoencoder);

    public long HostBytes => ModuleMemory.HostBytes(Autoencoder);

    public long DeviceBytes => ModuleMemory.DeviceBytes(Autoencoder);

    public void Dispose() => Autoencoder.Dispose();
}
