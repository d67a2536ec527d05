using System.Runtime.InteropServices;

namespace Workflow.Torch.Interop;

// Native/src/cuda_memory.cpp
internal static unsafe partial class Native
{
    [LibraryImport(Library)]
    internal static partial int wt_cuda_mem_get_info(int device, long* freeAndTotal);

    [LibraryImport(Library)]
    internal static partial int wt_cuda_memory_stats(int device, long* stats);

    [LibraryImport(Library)]
    internal static partial int wt_cuda_reset_peak_memory_stats(int device);

    [LibraryImport(Library)]
    internal static partial int wt_cuda_empty_cache();
}
