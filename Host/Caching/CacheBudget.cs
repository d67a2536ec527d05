namespace Workflow.Host.Caching;

/// <summary>How much the output cache may hold, host RAM and device memory apart.</summary>
public sealed record CacheBudget(long HostBytes, long DeviceBytes)
{
    /// <summary>
    /// Half of the RAM this process may use; device memory unbounded here, since the model memory manager keeps models
    /// within --vram-mb by moving them to the CPU rather than dropping them.
    /// </summary>
    public static CacheBudget Default => new(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 2, long.MaxValue);

    public static CacheBudget Unbounded => new(long.MaxValue, long.MaxValue);
}
