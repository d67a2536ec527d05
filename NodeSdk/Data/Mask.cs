using Workflow.Torch;

namespace Workflow.NodeSdk.Data;

/// <summary>ComfyUI's MASK: float32 [B, H, W] in [0, 1], 1 where masked.</summary>
[SocketType("MASK")]
public sealed class Mask(Tensor values) : IDisposable, IMemoryFootprint
{
    public Tensor Values { get; } = values;

    /// <summary>
    /// Mask values ([H, W], [B, H, W] or more leading dimensions) as [B, 1, H, W], the layout interpolate and conv2d
    /// take: ComfyUI's <c>mask.reshape((-1, 1, mask.shape[-2], mask.shape[-1]))</c> (comfy/utils.py reshape_mask).
    /// </summary>
    public static Tensor WithChannelAxis(Tensor values) => values.reshape(-1, 1, values.shape[^2], values.shape[^1]);

    public long HostBytes => TensorMemory.HostBytes(Values);

    public long DeviceBytes => TensorMemory.DeviceBytes(Values);

    public void Dispose() => Values.Dispose();
}
