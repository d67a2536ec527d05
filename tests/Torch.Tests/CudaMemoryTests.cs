using Workflow.Torch.Tests.Support;

namespace Workflow.Torch.Tests;

public class CudaMemoryTests
{
    [Fact]
    public void Memory_queries_without_cuda_say_so()
    {
        if (torch.cuda.is_available())
            return;
        Assert.Contains("no CUDA", Assert.Throws<TorchException>(() => torch.cuda.mem_get_info()).Message);
        Assert.Contains("no CUDA", Assert.Throws<TorchException>(() => torch.cuda.memory_stats()).Message);
        Assert.Contains("no CUDA", Assert.Throws<TorchException>(() => torch.cuda.reset_peak_memory_stats()).Message);
        torch.cuda.empty_cache();
    }

    [Theory, OnCuda]
    public void The_allocator_counts_a_tensor_and_its_peak(string device)
    {
        const long bytes = 64L << 20;
        var on = Device.Parse(device);
        torch.cuda.empty_cache();   // no cached segment to carve the block from: it gets one of its own
        torch.cuda.reset_peak_memory_stats(on.Index);
        var before = torch.cuda.memory_stats(on.Index);
        using (var block = torch.empty([bytes / 4], device: on))
        {
            var holding = torch.cuda.memory_stats(on.Index);
            Assert.Equal(before.AllocatedBytes + bytes, holding.AllocatedBytes);
            Assert.True(holding.ReservedBytes >= holding.AllocatedBytes);
        }
        Assert.Equal(before.AllocatedBytes, torch.cuda.memory_stats(on.Index).AllocatedBytes);
        Assert.True(torch.cuda.max_memory_allocated(on.Index) >= before.AllocatedBytes + bytes);
        torch.cuda.reset_peak_memory_stats(on.Index);
        Assert.Equal(before.AllocatedBytes, torch.cuda.max_memory_allocated(on.Index));
        var (free, total) = torch.cuda.mem_get_info(on.Index);
        Assert.InRange(free, 1, total);
        var cached = torch.cuda.memory_stats(on.Index);
        Assert.True(cached.ReservedFreeBytes >= bytes, "the freed block stays cached");
        torch.cuda.empty_cache();
        Assert.True(torch.cuda.memory_stats(on.Index).ReservedBytes <= cached.ReservedBytes - bytes, "empty_cache returns it");
    }
}
