using System.Runtime.InteropServices;

namespace Workflow.Torch.Interop;

// Native/src/tensor.cpp and io.cpp
internal static unsafe partial class Native
{
    [LibraryImport(Library), SuppressGCTransition]
    internal static partial long wt_ndim(nint self);

    [LibraryImport(Library), SuppressGCTransition]
    internal static partial long wt_numel(nint self);

    [LibraryImport(Library), SuppressGCTransition]
    internal static partial void wt_shape(nint self, long* output);

    [LibraryImport(Library), SuppressGCTransition]
    internal static partial void wt_strides(nint self, long* output);

    [LibraryImport(Library)]
    internal static partial int wt_size(nint self, long dim, long* output);

    [LibraryImport(Library), SuppressGCTransition]
    internal static partial int wt_dtype(nint self);

    [LibraryImport(Library), SuppressGCTransition]
    internal static partial void wt_device(nint self, int* type, int* index);

    [LibraryImport(Library), SuppressGCTransition]
    internal static partial int wt_is_contiguous(nint self);

    [LibraryImport(Library), SuppressGCTransition]
    internal static partial void* wt_data_ptr(nint self);

    [LibraryImport(Library)]
    internal static partial nint wt_to(nint self, int dtype, int deviceType, int deviceIndex, int copy);

    [LibraryImport(Library)]
    internal static partial nint wt_contiguous(nint self);

    [LibraryImport(Library)]
    internal static partial nint wt_clone(nint self);

    [LibraryImport(Library)]
    internal static partial nint wt_alias(nint self);

    [LibraryImport(Library)]
    internal static partial int wt_copy_(nint self, nint source);

    [LibraryImport(Library)]
    internal static partial int wt_assign(nint self, nint source);

    [LibraryImport(Library)]
    internal static partial int wt_item(nint self, int dtype, void* output);

    [LibraryImport(Library)]
    internal static partial nint wt_from_buffer(
        void* data, int sourceDtype, long* shape, int ndim, int dtype, int deviceType, int deviceIndex);

    [LibraryImport(Library)]
    internal static partial int wt_copy_from_buffer(nint self, void* data, int sourceDtype, long* shape, int ndim);

    [LibraryImport(Library)]
    internal static partial nint wt_from_strided_buffer(
        void* data, int sourceDtype, long* shape, long* strides, int ndim, int dtype, int deviceType, int deviceIndex);

    [LibraryImport(Library)]
    internal static partial int wt_copy_from_strided_buffer(nint self, void* data, int sourceDtype, long* shape, long* strides, int ndim);

    [LibraryImport(Library)]
    internal static partial void wt_drop_resident_pages(void* data, long length);

    [LibraryImport(Library)]
    internal static partial void wt_will_need_pages(void* data, long length);

    [LibraryImport(Library)]
    internal static partial int wt_copy_to_buffer(nint self, void* data, int dtype, long capacity);
}
