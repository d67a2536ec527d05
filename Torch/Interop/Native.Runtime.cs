using System.Runtime.InteropServices;

namespace Workflow.Torch.Interop;

// Native/src/runtime.cpp
internal static unsafe partial class Native
{
    [LibraryImport(Library), SuppressGCTransition]
    internal static partial byte* wt_torch_version();

    [LibraryImport(Library)]
    internal static partial int wt_set_num_threads(int count);

    [LibraryImport(Library), SuppressGCTransition]
    internal static partial int wt_get_num_threads();


    [LibraryImport(Library)]
    internal static partial int wt_cuda_device_count();

    [LibraryImport(Library)]
    internal static partial int wt_cuda_synchronize(int deviceIndex);

    [LibraryImport(Library)]
    internal static partial long wt_cpu_cache_bytes();

    [LibraryImport(Library)]
    internal static partial long wt_cpu_allocated_bytes();

    [LibraryImport(Library)]
    internal static partial long wt_cpu_max_allocated_bytes();

    [LibraryImport(Library)]
    internal static partial void wt_cpu_reset_peak_allocated();

    [LibraryImport(Library)]
    internal static partial void wt_cpu_cache_release();

    // Native/src/cpu_gemm.cpp
    [LibraryImport(Library)]
    internal static partial byte* wt_cpu_matmul_backend();

    [LibraryImport(Library)]
    internal static partial int wt_manual_seed(ulong seed);

    [LibraryImport(Library)]
    internal static partial nint wt_generator_new(ulong seed);

    [LibraryImport(Library)]
    internal static partial void wt_generator_free(nint generator);

    [LibraryImport(Library)]
    internal static partial int wt_generator_manual_seed(nint generator, ulong seed);

    [LibraryImport(Library)]
    internal static partial ulong wt_generator_initial_seed(nint generator);

    [LibraryImport(Library)]
    internal static partial nint wt_generator_get_state(nint generator);

    [LibraryImport(Library)]
    internal static partial int wt_generator_set_state(nint generator, nint state);
}
