using Workflow.Torch;

namespace Workflow.NodeSdk.Data;

/// <summary>
/// ComfyUI's LATENT: VAE latents [B, C, H/8, W/8] as the VAE produces them, without the model's scaling factor
/// (samplers apply it on the way in and remove it on the way out), or a video VAE's [B, C, T, H, W] (LTX-2's, in the
/// normalised form its models read); an optional noise mask for inpainting, and optional batch indices (image k of a
/// batch gets the noise a single-image run with index k would).
/// </summary>
[SocketType("LATENT")]
public sealed class Latent(Tensor samples, Tensor? noiseMask = null, IReadOnlyList<int>? batchIndex = null) : IDisposable, IMemoryFootprint
{
    public Tensor Samples { get; } = samples;

    public Tensor? NoiseMask { get; } = noiseMask;

    public IReadOnlyList<int>? BatchIndex { get; } = batchIndex;

    public long HostBytes => TensorMemory.HostBytes(Samples, NoiseMask);

    public long DeviceBytes => TensorMemory.DeviceBytes(Samples, NoiseMask);

    public void Dispose()
    {
        Samples.Dispose();
        NoiseMask?.Dispose();
    }
}
