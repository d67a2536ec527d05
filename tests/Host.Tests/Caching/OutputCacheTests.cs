using Workflow.Host.Caching;
using Workflow.Host.Tests.Support;

namespace Workflow.Host.Tests.Caching;

/// <summary>The cache's bookkeeping on its own: byte budgets kept apart, shared values disposed once, leases respected.</summary>
public sealed class OutputCacheTests
{
    private static CacheKey Key(int n) => new((UInt128)n);

    private static Blob NewBlob(long bytes) => new(Guid.NewGuid().ToString(), bytes);

    [Fact]
    public void Host_and_device_budgets_are_counted_apart()
    {
        var leases = new ValueLeases();
        var cache = new OutputCache(new CacheBudget(HostBytes: 100, DeviceBytes: 10), leases);
        cache.Add(Key(1), NodeOutputs.Single([new DeviceValue(8)]));
        cache.Add(Key(2), NodeOutputs.Single([NewBlob(90)]));
        Assert.Equal(2, cache.Statistics.Entries);
        cache.Add(Key(3), NodeOutputs.Single([new DeviceValue(8)]));   // 16 > 10 on the device: key 1 goes
        Assert.False(cache.Contains(Key(1)));
        Assert.True(cache.Contains(Key(2)));
        Assert.Equal(8, cache.Statistics.DeviceBytes);
    }

    [Fact]
    public void Value_under_two_keys_is_disposed_after_both_are_evicted()
    {
        var leases = new ValueLeases();
        var cache = new OutputCache(new CacheBudget(HostBytes: 150, DeviceBytes: 0), leases);
        var shared = NewBlob(60);
        cache.Add(Key(1), NodeOutputs.Single([shared]));
        cache.Add(Key(2), NodeOutputs.Single([shared]));   // a node that passed its input through
        cache.Add(Key(3), NodeOutputs.Single([NewBlob(60)]));   // evicts key 1 only
        Assert.False(shared.IsDisposed);
        cache.Add(Key(4), NodeOutputs.Single([NewBlob(60)]));   // evicts key 2
        Assert.True(shared.IsDisposed);
    }

    [Fact]
    public void Acquired_values_survive_eviction_until_released()
    {
        var leases = new ValueLeases();
        var cache = new OutputCache(new CacheBudget(HostBytes: 100, DeviceBytes: 0), leases);
        var blob = NewBlob(80);
        cache.Add(Key(1), NodeOutputs.Single([blob]));
        Assert.True(cache.TryAcquire(Key(1), out var held));
        cache.Add(Key(2), NodeOutputs.Single([NewBlob(80)]));
        Assert.False(cache.Contains(Key(1)));
        Assert.False(blob.IsDisposed);
        leases.Release(held.AllValues);
        Assert.True(blob.IsDisposed);
    }

    private sealed class DeviceValue(long bytes) : Workflow.NodeSdk.IMemoryFootprint
    {
        public long HostBytes => 0;
        public long DeviceBytes => bytes;
    }
}
