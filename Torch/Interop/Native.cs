using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

[assembly: DisableRuntimeMarshalling]

namespace Workflow.Torch.Interop;

/// <summary>
/// The native shim's C ABI (Native/src/*.cpp), one partial file per source file. Every signature is
/// blittable: tensors are handles (<c>at::Tensor*</c>), shapes are <c>long*</c> + count, optional values
/// are nullable pointers. A function returning a tensor returns 0 on failure, one returning a status
/// returns -1; either way <see cref="wt_last_error"/> holds libtorch's message.
/// </summary>
internal static unsafe partial class Native
{
    private const string Library = "workflow_torch";

    [LibraryImport(Library), SuppressGCTransition]
    internal static partial byte* wt_last_error();

    [LibraryImport(Library), SuppressGCTransition]
    internal static partial long wt_live_tensors();

    [LibraryImport(Library)]
    internal static partial void wt_free(nint tensor);
}
