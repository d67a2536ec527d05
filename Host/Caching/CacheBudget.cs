namespace Workflow.Host.Caching;

/// <summary>How much the output cache may hold, host RAM and device memory apart.</summary>
public sealed record CacheBudget(long HostBytes, long DeviceBytes)
{
    /// <summary>Half of the RAM this process may use, and (until devices report their size) 8 GiB of device memory.</summary>
    public static CacheBudget Default => new(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 2, 8L << 30);

    public static CacheBudget Unbounded => new(long.MaxValue, long.MaxValue);
}
