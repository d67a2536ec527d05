using Workflow.Torch;

namespace Workflow.Host.Memory;

/// <summary>A CUDA device's memory from the driver (cudaMemGetInfo) and libtorch's caching allocator, as ComfyUI computes it.</summary>
public sealed class CudaMemory(int index) : IDeviceMemory
{
    public DeviceMemoryState Read()
    {
        var (driverFree, total) = torch.cuda.mem_get_info(index);
        var stats = torch.cuda.memory_stats(index);
        return new DeviceMemoryState(total, driverFree + stats.ReservedFreeBytes, stats.ReservedBytes, stats.ReservedFreeBytes);
    }
}
