using Workflow.Torch;

namespace Workflow.NodeSdk.Data;

/// <summary>What tensors weigh, by where they live, for values that report an <see cref="IMemoryFootprint"/>.</summary>
public static class TensorMemory
{
    public static long HostBytes(params ReadOnlySpan<Tensor?> tensors) => Sum(tensors, onDevice: false);

    public static long DeviceBytes(params ReadOnlySpan<Tensor?> tensors) => Sum(tensors, onDevice: true);

    private static long Sum(ReadOnlySpan<Tensor?> tensors, bool onDevice)
    {
        long total = 0;
        foreach (var tensor in tensors)
            if (tensor is not null && tensor.device.Type == DeviceType.CPU != onDevice)
                total += tensor.numel() * tensor.dtype.ElementSize();
        return total;
    }
}
