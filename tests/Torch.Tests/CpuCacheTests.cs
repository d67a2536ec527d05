using Workflow.Torch.Tests.Support;

namespace Workflow.Torch.Tests;

/// <summary>The CPU allocator keeps freed large blocks for the next tensor of the same size, and gives them back on request.</summary>
[Collection(ProcessWideState.Name)]
public unsafe class CpuCacheTests
{
    // 3,333,333 floats (12.7 MiB), a size no other test allocates, so no other test takes the block in between.
    private static readonly long[] Shape = [3_333_333];

    private static nint Address(Tensor tensor) => (nint)System.Runtime.CompilerServices.Unsafe.AsPointer(ref tensor.data<float>()[0]);

    [Fact]
    public void A_freed_large_block_is_reused_by_the_next_tensor_of_its_size_and_released_on_request()
    {
        torch.cpu.empty_cache();
        nint first;
        using (var tensor = torch.ones(Shape))
            first = Address(tensor);
        Assert.True(torch.cpu.memory_reserved() >= Shape[0] * sizeof(float));

        using (var again = torch.zeros(Shape))
        {
            Assert.Equal(first, Address(again));
            Assert.Equal(0f, again.sum().item<float>());   // a reused block holds the new tensor's values
        }

        torch.cpu.empty_cache();
        Assert.Equal(0, torch.cpu.memory_reserved());
    }

    /// <summary>
    /// A request no cached block fits keeps the cached blocks while live plus cached bytes stay within the live peak
    /// (and a half); past that, it frees them first, oldest first, so cached bytes never raise the footprint.
    /// </summary>
    [Fact]
    public void A_miss_frees_cached_blocks_only_when_they_would_raise_the_footprint()
    {
        torch.cpu.empty_cache();
        long[] other = [700_001];   // 2.7 MiB: another size class
        long cachedFloats = ((torch.cpu.memory_allocated() + other[0] * sizeof(float)) / 2 + (64L << 20)) / sizeof(float);

        using (torch.ones([cachedFloats]))
        {
        }
        using (torch.ones(other))   // below the peak the cached block has just set: it stays
            Assert.True(torch.cpu.memory_reserved() >= cachedFloats * sizeof(float));

        torch.cpu.empty_cache();
        using (torch.ones([cachedFloats]))
        {
        }
        torch.cpu.reset_peak_memory_stats();   // the live peak is now what lives without it
        using (torch.ones(other))
            Assert.True(torch.cpu.memory_reserved() < cachedFloats * sizeof(float), "the cached block was freed before allocating");
        torch.cpu.empty_cache();
    }

    [Fact]
    public void Small_tensors_are_not_cached()
    {
        torch.cpu.empty_cache();
        using (torch.ones([1000]))
        {
        }
        Assert.Equal(0, torch.cpu.memory_reserved());
    }

    [Fact]
    public void Allocated_bytes_count_live_tensors_only()
    {
        // Earlier tests' unreachable tensors would otherwise be freed by the finalizer thread while this one counts.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var before = torch.cpu.memory_allocated();
        using (var tensor = torch.ones(Shape))
        {
            Assert.Equal(before + Shape[0] * sizeof(float), torch.cpu.memory_allocated());
            using var view = tensor.view(-1);   // a view shares the storage: nothing more is allocated
            Assert.Equal(before + Shape[0] * sizeof(float), torch.cpu.memory_allocated());
        }
        Assert.Equal(before, torch.cpu.memory_allocated());
    }

    [Fact]
    public void The_peak_of_allocated_bytes_is_kept_until_reset()
    {
        torch.cpu.reset_peak_memory_stats();
        var start = torch.cpu.max_memory_allocated();
        using (torch.zeros([16 << 20], torch.uint8))
        {
        }
        Assert.True(torch.cpu.max_memory_allocated() >= start + (16 << 20));
        torch.cpu.reset_peak_memory_stats();
        Assert.True(torch.cpu.max_memory_allocated() < start + (16 << 20));
    }
}
