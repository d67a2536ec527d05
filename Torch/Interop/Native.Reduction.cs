using System.Runtime.InteropServices;

namespace Workflow.Torch.Interop;

// Native/src/reduction.cpp. dims == null reduces over every dimension.
internal static unsafe partial class Native
{
    [LibraryImport(Library)]
    internal static partial nint wt_sum(nint self, long* dims, int count, int keepdim, int dtype);

    [LibraryImport(Library)]
    internal static partial nint wt_mean(nint self, long* dims, int count, int keepdim, int dtype);

    [LibraryImport(Library)]
    internal static partial nint wt_var(nint self, long* dims, int count, int unbiased, int keepdim);

    [LibraryImport(Library)]
    internal static partial nint wt_std(nint self, long* dims, int count, int unbiased, int keepdim);

    [LibraryImport(Library)]
    internal static partial nint wt_amax(nint self, long* dims, int count, int keepdim);

    [LibraryImport(Library)]
    internal static partial nint wt_amin(nint self, long* dims, int count, int keepdim);

    [LibraryImport(Library)]
    internal static partial nint wt_max(nint self);

    [LibraryImport(Library)]
    internal static partial nint wt_min(nint self);

    [LibraryImport(Library)]
    internal static partial int wt_max_dim(nint self, long dim, int keepdim, nint* output);

    [LibraryImport(Library)]
    internal static partial int wt_min_dim(nint self, long dim, int keepdim, nint* output);

    [LibraryImport(Library)]
    internal static partial nint wt_argmax(nint self, long* dim, int keepdim);

    [LibraryImport(Library)]
    internal static partial nint wt_argmin(nint self, long* dim, int keepdim);

    [LibraryImport(Library)]
    internal static partial nint wt_all(nint self);

    [LibraryImport(Library)]
    internal static partial nint wt_any(nint self);

    [LibraryImport(Library)]
    internal static partial nint wt_norm(nint self, double ord, long* dims, int count, int keepdim);

    [LibraryImport(Library)]
    internal static partial nint wt_cumsum(nint self, long dim, int dtype);

    [LibraryImport(Library)]
    internal static partial nint wt_cumprod(nint self, long dim, int dtype);
}
