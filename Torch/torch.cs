using System.Runtime.InteropServices;
using Workflow.Torch.Interop;

namespace Workflow.Torch;

/// <summary>
/// PyTorch's <c>torch</c> namespace: dtypes, factories, free functions, seeding, threads and scopes.
/// Neural-network functions are on <see cref="F"/> (<c>torch.nn.functional</c>).
/// </summary>
public static unsafe partial class torch
{
    public const ScalarType uint8 = ScalarType.UInt8;
    public const ScalarType int8 = ScalarType.Int8;
    public const ScalarType int16 = ScalarType.Int16;
    public const ScalarType int32 = ScalarType.Int32;
    public const ScalarType int64 = ScalarType.Int64;
    public const ScalarType float16 = ScalarType.Float16;
    public const ScalarType bfloat16 = ScalarType.BFloat16;
    public const ScalarType float32 = ScalarType.Float32;
    public const ScalarType float64 = ScalarType.Float64;
    public const ScalarType @bool = ScalarType.Bool;

    /// <summary>The libtorch version the native shim was compiled against (e.g. "1.13.0").</summary>
    public static string __version__ => Marshal.PtrToStringUTF8((nint)Native.wt_torch_version())!;

    public static Device device(string name) => Device.Parse(name);

    /// <summary>Starts a scope that disposes the tensors created on this thread until it is disposed.</summary>
    public static DisposeScope NewDisposeScope() => new();

    /// <summary>Seeds the default CPU generator and every CUDA device's default generator.</summary>
    public static void manual_seed(long seed) => TorchException.ThrowIfFailed(Native.wt_manual_seed(unchecked((ulong)seed)));

    /// <summary>
    /// Intra-op threads libtorch uses. The library starts with one per hardware thread (unless OMP_NUM_THREADS
    /// or MKL_NUM_THREADS is set), where Debian's libtorch would start with the physical core count.
    /// </summary>
    public static void set_num_threads(int count) => TorchException.ThrowIfFailed(Native.wt_set_num_threads(count));

    public static int get_num_threads() => Native.wt_get_num_threads();

    /// <summary>
    /// Waits for the work queued on <paramref name="device"/>: GPU calls return before their kernels finish, so a clock
    /// must wait for them (torch.accelerator.synchronize). Nothing to wait for on the CPU.
    /// </summary>
    public static void synchronize(Device device)
    {
        if (device.Type == DeviceType.CUDA)
            cuda.synchronize(device.ResolvedIndex);
    }

    /// <summary>
    /// The CPU memory cache (Native/src/cpu_cache.cpp): freed blocks of 1 MiB and more are kept for reuse, because
    /// returning them to the kernel makes every diffusion step pay for zeroing fresh pages. Named like torch.cuda's.
    /// Also which library computes float32 matrix products (Native/src/cpu_gemm.cpp).
    /// </summary>
    public static class cpu
    {
        /// <summary>
        /// "onednn" where float32 CPU products (linear, mm, bmm, baddbmm, attention) go to oneDNN's sgemm, "aten" where
        /// ATen computes them all (a PyTorch wheel's libtorch, or WORKFLOW_CPU_GEMM=aten).
        /// </summary>
        public static string matmul_backend => Marshal.PtrToStringUTF8((nint)Native.wt_cpu_matmul_backend())!;

        /// <summary>Bytes held in freed blocks, ready for reuse (bounded by WORKFLOW_CPU_CACHE_MB).</summary>
        public static long memory_reserved() => Native.wt_cpu_cache_bytes();

        /// <summary>Bytes of CPU tensor storage in use now (as torch.cuda.memory_allocated): what live tensors hold, cached blocks excluded.</summary>
        public static long memory_allocated() => Native.wt_cpu_allocated_bytes();

        /// <summary>The most bytes <see cref="memory_allocated"/> has reached since the process started or the last <see cref="reset_peak_memory_stats"/>.</summary>
        public static long max_memory_allocated() => Native.wt_cpu_max_allocated_bytes();

        /// <summary>Starts <see cref="max_memory_allocated"/> again from what is allocated now.</summary>
        public static void reset_peak_memory_stats() => Native.wt_cpu_reset_peak_allocated();

        /// <summary>Returns the cached blocks to the system.</summary>
        public static void empty_cache() => Native.wt_cpu_cache_release();
    }

    /// <summary>torch.cuda: device queries. No devices on a CPU build; CUDA builds are checked by scripts/gpu-check.sh.</summary>
    public static class cuda
    {
        public static bool is_available() => device_count() > 0;

        public static int device_count() => Native.wt_cuda_device_count();

        /// <summary>Waits for all work queued on the device.</summary>
        public static void synchronize(int device = 0) =>
            TorchException.ThrowIfFailed(Native.wt_cuda_synchronize(device));

        /// <summary>
        /// The device's free and total bytes as the driver sees them (cudaMemGetInfo; other processes' memory counts as
        /// used). Throws <see cref="TorchException"/> ("no CUDA") where the native library was built without CUDA.
        /// </summary>
        public static (long Free, long Total) mem_get_info(int device = 0)
        {
            long* freeAndTotal = stackalloc long[2];
            TorchException.ThrowIfFailed(Native.wt_cuda_mem_get_info(device, freeAndTotal));
            return (freeAndTotal[0], freeAndTotal[1]);
        }

        /// <summary>The caching allocator's byte counts for the device (torch.cuda.memory_stats, "all" pools); "no CUDA" as above.</summary>
        public static CudaMemoryStats memory_stats(int device = 0)
        {
            long* stats = stackalloc long[5];
            TorchException.ThrowIfFailed(Native.wt_cuda_memory_stats(device, stats));
            return new CudaMemoryStats(stats[0], stats[1], stats[2], stats[3], stats[4]);
        }

        /// <summary>The most bytes tensors have held on the device since start or <see cref="reset_peak_memory_stats"/> (torch.cuda.max_memory_allocated).</summary>
        public static long max_memory_allocated(int device = 0) => memory_stats(device).PeakAllocatedBytes;

        /// <summary>Starts the peaks of <see cref="memory_stats"/> again from what is held now.</summary>
        public static void reset_peak_memory_stats(int device = 0) =>
            TorchException.ThrowIfFailed(Native.wt_cuda_reset_peak_memory_stats(device));

        /// <summary>Returns the allocator's cached, unused blocks to the driver; nothing to do without CUDA.</summary>
        public static void empty_cache() => TorchException.ThrowIfFailed(Native.wt_cuda_empty_cache());
    }
}
