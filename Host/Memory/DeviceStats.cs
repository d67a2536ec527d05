using System.Text.Json.Nodes;
using Workflow.Torch;

namespace Workflow.Host.Memory;

/// <summary>
/// The device entry of ComfyUI's <c>/system_stats</c> (server.py, system_stats): the device models run on with its
/// memory in bytes: the card's total and free (the driver's free plus the allocator's unused blocks) and what libtorch's
/// allocator holds and leaves unused; on the CPU the machine's RAM in all four, as ComfyUI reports it there.
/// </summary>
public static class DeviceStats
{
    public static DeviceMemoryState Read(Device device) =>
        device.Type == DeviceType.CUDA ? new CudaMemory(device.ResolvedIndex).Read() : HostMemory.Instance.Read();

    public static JsonObject Describe(Device device, DeviceMemoryState memory) => new()
    {
        ["name"] = device.Type == DeviceType.CUDA ? $"cuda:{device.ResolvedIndex}" : "cpu",
        ["type"] = device.Type == DeviceType.CUDA ? "cuda" : "cpu",
        ["index"] = device.Type == DeviceType.CUDA ? device.ResolvedIndex : null,
        ["vram_total"] = memory.Total,
        ["vram_free"] = memory.Free,
        ["torch_vram_total"] = memory.TorchTotal,
        ["torch_vram_free"] = memory.TorchFree,
    };
}
