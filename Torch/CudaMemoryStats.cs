namespace Workflow.Torch;

/// <summary>
/// torch.cuda.memory_stats' byte counts for one device: what tensors hold (allocated, and its peak), what the caching
/// allocator holds from the driver (reserved, and its peak), and the bytes of blocks in use (active).
/// Reserved minus active is memory the allocator can hand out again without asking the driver.
/// </summary>
public sealed record CudaMemoryStats(long AllocatedBytes, long PeakAllocatedBytes, long ReservedBytes, long PeakReservedBytes, long ActiveBytes)
{
    public long ReservedFreeBytes => ReservedBytes - ActiveBytes;
}
