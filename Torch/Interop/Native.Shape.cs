using System.Runtime.InteropServices;

namespace Workflow.Torch.Interop;

// Native/src/shape.cpp. Ops returning several tensors fill `output` and return the count (-1 on failure).
internal static unsafe partial class Native
{
    [LibraryImport(Library)]
    internal static partial nint wt_view(nint self, long* values, int count);

    [LibraryImport(Library)]
    internal static partial nint wt_view_dtype(nint self, int dtype);

    [LibraryImport(Library)]
    internal static partial nint wt_reshape(nint self, long* values, int count);

    [LibraryImport(Library)]
    internal static partial nint wt_permute(nint self, long* values, int count);

    [LibraryImport(Library)]
    internal static partial nint wt_expand(nint self, long* values, int count);

    [LibraryImport(Library)]
    internal static partial nint wt_repeat(nint self, long* values, int count);

    [LibraryImport(Library)]
    internal static partial nint wt_flip(nint self, long* values, int count);

    [LibraryImport(Library)]
    internal static partial nint wt_transpose(nint self, long dim0, long dim1);

    [LibraryImport(Library)]
    internal static partial nint wt_flatten(nint self, long startDim, long endDim);

    [LibraryImport(Library)]
    internal static partial nint wt_unflatten(nint self, long dim, long* sizes, int count);

    [LibraryImport(Library)]
    internal static partial nint wt_unsqueeze(nint self, long dim);

    [LibraryImport(Library)]
    internal static partial nint wt_squeeze(nint self);

    [LibraryImport(Library)]
    internal static partial nint wt_squeeze_dim(nint self, long dim);

    [LibraryImport(Library)]
    internal static partial nint wt_repeat_interleave(nint self, long repeats, long dim);

    [LibraryImport(Library)]
    internal static partial nint wt_narrow(nint self, long dim, long start, long length);

    [LibraryImport(Library)]
    internal static partial nint wt_slice(nint self, long dim, long start, long end, long step);

    [LibraryImport(Library)]
    internal static partial nint wt_select(nint self, long dim, long index);

    [LibraryImport(Library)]
    internal static partial nint wt_index_select(nint self, long dim, nint index);

    [LibraryImport(Library)]
    internal static partial nint wt_gather(nint self, long dim, nint index);

    [LibraryImport(Library)]
    internal static partial nint wt_tril(nint self, long diagonal);

    [LibraryImport(Library)]
    internal static partial nint wt_triu(nint self, long diagonal);

    [LibraryImport(Library)]
    internal static partial nint wt_roll(nint self, long shift, long dim);

    [LibraryImport(Library)]
    internal static partial nint wt_cat(nint* tensors, int count, long dim);

    [LibraryImport(Library)]
    internal static partial nint wt_stack(nint* tensors, int count, long dim);

    [LibraryImport(Library)]
    internal static partial long wt_chunk(nint self, long chunks, long dim, nint* output, long capacity);

    [LibraryImport(Library)]
    internal static partial long wt_split(nint self, long splitSize, long dim, nint* output, long capacity);

    [LibraryImport(Library)]
    internal static partial long wt_split_with_sizes(nint self, long* sizes, int count, long dim, nint* output, long capacity);

    [LibraryImport(Library)]
    internal static partial long wt_unbind(nint self, long dim, nint* output, long capacity);
}
