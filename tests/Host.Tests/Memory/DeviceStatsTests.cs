using Workflow.Host.Memory;
using Workflow.Torch;

namespace Workflow.Host.Tests.Memory;

/// <summary>/system_stats' device entry in ComfyUI's shape, and the RAM figures read as psutil reads them.</summary>
public sealed class DeviceStatsTests
{
    private static readonly string[] Keys = ["name", "type", "index", "vram_total", "vram_free", "torch_vram_total", "torch_vram_free"];

    [Fact]
    public void A_cuda_device_reports_its_card_and_the_allocators_share()
    {
        var entry = DeviceStats.Describe(Device.CUDA(0), new DeviceMemoryState(Total: 80, Free: 60, TorchTotal: 30, TorchFree: 10));
        Assert.Equal(Keys, entry.Select(p => p.Key));
        Assert.Equal("""{"name":"cuda:0","type":"cuda","index":0,"vram_total":80,"vram_free":60,"torch_vram_total":30,"torch_vram_free":10}""", entry.ToJsonString());
    }

    [Fact]
    public void The_cpu_reports_the_machines_ram_with_no_index()
    {
        var entry = DeviceStats.Describe(Device.CPU, DeviceStats.Read(Device.CPU));
        Assert.Equal(Keys, entry.Select(p => p.Key));
        Assert.Equal("cpu", (string?)entry["type"]);
        Assert.Null(entry["index"]);
        Assert.True((long)entry["vram_total"]! > 0);
        Assert.Equal((long)entry["vram_total"]!, (long)entry["torch_vram_total"]!);
        Assert.InRange((long)entry["vram_free"]!, 0, (long)entry["vram_total"]!);
    }

    [Fact]
    public void Meminfo_gives_total_and_available_in_bytes()
    {
        var (total, available) = HostMemory.FromMeminfo(["MemTotal:       16384 kB", "MemFree:  100 kB", "MemAvailable:    8192 kB"]);
        Assert.Equal(16L << 20, total);
        Assert.Equal(8L << 20, available);
    }
}
