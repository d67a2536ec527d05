using Workflow.Torch;

namespace Workflow.NodeSdk.Data;

/// <summary>ComfyUI's MASK: float32 [B, H, W] in [0, 1], 1 where masked.</summary>
[SocketType("MASK")]
public sealed class Mask(Tensor values) : IDisposable, IMemoryFootprint
{
    public Tensor Values { get; } = values;

    public long HostBytes => TensorMemory.HostBytes(Values);

    public long DeviceBytes => TensorMemory.DeviceBytes(Values);

    public void Dispose() => Values.Dispose();
}
