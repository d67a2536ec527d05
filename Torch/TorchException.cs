using System.Runtime.InteropServices;
using Workflow.Torch.Interop;

namespace Workflow.Torch;

/// <summary>An error raised by libtorch (a c10::Error or other C++ exception), with libtorch's message.</summary>
public sealed class TorchException(string message) : Exception(message)
{
    internal static unsafe TorchException FromLastError() =>
        new(Marshal.PtrToStringUTF8((nint)Native.wt_last_error()) ?? "unknown libtorch error");

    /// <summary>Throws the thread's last libtorch error unless <paramref name="status"/> is success (0).</summary>
    internal static void ThrowIfFailed(int status)
    {
        if (status != 0)
            throw FromLastError();
    }

    internal static nint ThrowIfNull(nint handle) => handle != 0 ? handle : throw FromLastError();
}
