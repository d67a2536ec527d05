using System.Runtime.InteropServices;

namespace Workflow.Torch.Interop;

// Native/src/linalg.cpp
internal static unsafe partial class Native
{
    [LibraryImport(Library)]
    internal static partial nint wt_matmul(nint self, nint other);

    [LibraryImport(Library)]
    internal static partial nint wt_mm(nint self, nint other);

    [LibraryImport(Library)]
    internal static partial nint wt_bmm(nint self, nint other);

    [LibraryImport(Library)]
    internal static partial nint wt_baddbmm(nint self, nint batch1, nint batch2, Scalar beta, Scalar alpha);

    [LibraryImport(Library)]
    internal static partial nint wt_addmm(nint self, nint mat1, nint mat2, Scalar beta, Scalar alpha);

    [LibraryImport(Library)]
    internal static partial nint wt_einsum(byte* equation, nint* operands, int count);

    [LibraryImport(Library)]
    internal static partial nint wt_outer(nint self, nint other);
}
