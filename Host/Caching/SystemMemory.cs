using System.Diagnostics;
using System.Runtime;
using System.Runtime.InteropServices;
using Workflow.Torch;

namespace Workflow.Host.Caching;

/// <summary>
/// Hands memory the process has freed back to the system, as /free promises: the managed heap is collected and
/// compacted (large objects included) and decommitted, finalizers release the native tensors they hold, the tensor
/// library's cache of freed CPU blocks is emptied, and glibc returns its free heap pages (malloc_trim), which it
/// otherwise keeps for the next allocation. Slow (a full blocking GC), so only on request, between prompts.
/// </summary>
public static class SystemMemory
{
    /// <summary>Returns freed memory; the resident set size before and after, in bytes.</summary>
    public static (long Before, long After) ReturnFreed()
    {
        long before = ResidentBytes();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true);
        GC.WaitForPendingFinalizers();
        torch.cpu.empty_cache();
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        if (OperatingSystem.IsLinux())
            malloc_trim(0);
        return (before, ResidentBytes());
    }

    public static long ResidentBytes()
    {
        using var self = Process.GetCurrentProcess();
        return self.WorkingSet64;
    }

    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int malloc_trim(nuint pad);
}
