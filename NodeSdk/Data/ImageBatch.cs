using Workflow.Torch;

namespace Workflow.NodeSdk.Data;

/// <summary>ComfyUI's IMAGE: float32 [B, H, W, C] (channels last, C = 3) in [0, 1].</summary>
[SocketType("IMAGE")]
public sealed class ImageBatch : IDisposable, IMemoryFootprint
{
    public ImageBatch(Tensor pixels)
    {
        if (pixels.ndim != 4)
            throw new ArgumentException($"An IMAGE is [B, H, W, C]; got a tensor of shape [{string.Join(", ", pixels.shape)}].", nameof(pixels));
        Pixels = pixels;
    }

    public Tensor Pixels { get; }

    public long Count => Pixels.shape[0];
    public long Height => Pixels.shape[1];
    public long Width => Pixels.shape[2];

    public long HostBytes => TensorMemory.HostBytes(Pixels);

    public long DeviceBytes => TensorMemory.DeviceBytes(Pixels);

    public void Dispose() => Pixels.Dispose();
}
