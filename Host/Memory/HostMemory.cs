namespace Workflow.Host.Memory;

/// <summary>
/// The machine's RAM as psutil.virtual_memory() reads it (total and available, from /proc/meminfo; the GC's view
/// elsewhere): what ComfyUI's /system_stats reports as ram_total / ram_free, and as a CPU device's memory.
/// </summary>
public sealed class HostMemory : IDeviceMemory
{
    public static HostMemory Instance { get; } = new();

    public DeviceMemoryState Read()
    {
        var (total, available) = File.Exists("/proc/meminfo") ? FromMeminfo(File.ReadAllLines("/proc/meminfo")) : FromGc();
        return new DeviceMemoryState(total, available, total, available);
    }

    /// <summary>MemTotal and MemAvailable, in bytes (the file says kB, meaning KiB).</summary>
    internal static (long Total, long Available) FromMeminfo(IEnumerable<string> lines)
    {
        var values = lines.Select(l => l.Split(':', 2)).Where(p => p.Length == 2)
            .ToDictionary(p => p[0].Trim(), p => long.TryParse(p[1].Trim().Split(' ')[0], out var kib) ? kib << 10 : 0);
        return values.TryGetValue("MemTotal", out var total) && values.TryGetValue("MemAvailable", out var available) ? (total, available) : FromGc();
    }

    private static (long Total, long Available) FromGc()
    {
        var memory = GC.GetGCMemoryInfo();
        return (memory.TotalAvailableMemoryBytes, Math.Max(0, memory.TotalAvailableMemoryBytes - memory.MemoryLoadBytes));
    }
}
