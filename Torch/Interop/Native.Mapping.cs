using System.Runtime.InteropServices;

namespace Workflow.Torch.Interop;

// Native/src/mapping.cpp
internal static unsafe partial class Native
{
    [LibraryImport(Library)]
    internal static partial nint wt_map_file(int fd, long length);

    [LibraryImport(Library), SuppressGCTransition]
    internal static partial byte* wt_mapping_start(nint mapping);

    [LibraryImport(Library)]
    internal static partial void wt_mapping_release(nint mapping);

    [LibraryImport(Library)]
    internal static partial nint wt_mapping_view(nint mapping, long offset, int dtype, long* shape, int ndim);
}
