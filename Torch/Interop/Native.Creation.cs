using System.Runtime.InteropServices;

namespace Workflow.Torch.Interop;

// Native/src/creation.cpp. dtype < 0 means "PyTorch's default for this factory".
internal static unsafe partial class Native
{
    [LibraryImport(Library)]
    internal static partial nint wt_empty(long* shape, int ndim, int dtype, int deviceType, int deviceIndex);

    [LibraryImport(Library)]
    internal static partial nint wt_zeros(long* shape, int ndim, int dtype, int deviceType, int deviceIndex);

    [LibraryImport(Library)]
    internal static partial nint wt_ones(long* shape, int ndim, int dtype, int deviceType, int deviceIndex);

    [LibraryImport(Library)]
    internal static partial nint wt_full(long* shape, int ndim, Scalar value, int dtype, int deviceType, int deviceIndex);

    [LibraryImport(Library)]
    internal static partial nint wt_empty_like(nint self, int dtype);

    [LibraryImport(Library)]
    internal static partial nint wt_zeros_like(nint self, int dtype);

    [LibraryImport(Library)]
    internal static partial nint wt_ones_like(nint self, int dtype);

    [LibraryImport(Library)]
    internal static partial nint wt_full_like(nint self, Scalar value, int dtype);

    [LibraryImport(Library)]
    internal static partial nint wt_arange(Scalar start, Scalar end, Scalar step, int dtype, int deviceType, int deviceIndex);

    [LibraryImport(Library)]
    internal static partial nint wt_linspace(double start, double end, long steps, int dtype, int deviceType, int deviceIndex);

    [LibraryImport(Library)]
    internal static partial nint wt_randn(long* shape, int ndim, nint generator, int dtype, int deviceType, int deviceIndex);

    [LibraryImport(Library)]
    internal static partial nint wt_rand(long* shape, int ndim, nint generator, int dtype, int deviceType, int deviceIndex);

    [LibraryImport(Library)]
    internal static partial nint wt_randint(
        long low, long high, long* shape, int ndim, nint generator, int dtype, int deviceType, int deviceIndex);

    [LibraryImport(Library)]
    internal static partial int wt_normal_(nint self, double mean, double std, nint generator);
}
