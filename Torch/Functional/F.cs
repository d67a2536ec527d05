namespace Workflow.Torch;

/// <summary>
/// <c>torch.nn.functional</c>: each function calls the ATen op PyTorch's Python API calls, with PyTorch's
/// argument names and defaults. Inference only (no dropout, no autograd).
/// </summary>
public static unsafe partial class F
{
    private static nint HandleOf(Tensor? tensor) => tensor?.Handle ?? 0;

    /// <summary>Wraps a native result, keeping the arguments reachable until the call has returned.</summary>
    private static Tensor Result(nint handle, Tensor? a, Tensor? b = null, Tensor? c = null, Tensor? d = null)
    {
        GC.KeepAlive(a);
        GC.KeepAlive(b);
        GC.KeepAlive(c);
        GC.KeepAlive(d);
        return Tensor.From(handle);
    }
}
