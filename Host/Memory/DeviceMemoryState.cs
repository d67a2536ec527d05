namespace Workflow.Host.Memory;

/// <summary>
/// A device's memory as ComfyUI's model_management reads it (get_total_memory / get_free_memory with torch_*_too):
/// the card's total, what is free to allocate (the driver's free bytes plus what the caching allocator holds unused),
/// what the allocator holds from the driver, and the unused part of that. <c>/system_stats</c> reports it as is.
/// </summary>
public sealed record DeviceMemoryState(long Total, long Free, long TorchTotal, long TorchFree);

/// <summary>Reads a device's memory now; injectable so the offload policy is tested with fake memory.</summary>
public interface IDeviceMemory
{
    DeviceMemoryState Read();
}
