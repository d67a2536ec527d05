using Workflow.Torch.Interop;

namespace Workflow.Torch;

// dtype and device moves, copies. Like PyTorch, `to` returns this tensor's data unchanged (a new
// handle to the same storage) when nothing needs converting.
public sealed unsafe partial class Tensor
{
    public Tensor to(Device device) => To(dtype, device, copy: false);

    public Tensor to(ScalarType dtype) => To(dtype, device, copy: false);

    /// <summary>Converted to <paramref name="dtype"/> on <paramref name="device"/>; <paramref name="copy"/> forces new storage even when nothing changes.</summary>
    public Tensor to(ScalarType dtype, Device device, bool copy = false) => To(dtype, device, copy);

    public Tensor to(Device device, ScalarType dtype, bool copy = false) => To(dtype, device, copy);

    /// <summary>Same dtype and device as <paramref name="other"/>.</summary>
    public Tensor to(Tensor other) => To(other.dtype, other.device, copy: false);

    public Tensor type_as(Tensor other) => to(other.dtype);

    public Tensor cpu() => to(Device.CPU);

    public Tensor cuda(int index = 0) => to(Device.CUDA(index));

    public Tensor half() => to(ScalarType.Float16);

    public Tensor bfloat16() => to(ScalarType.BFloat16);

    public Tensor @float() => to(ScalarType.Float32);

    public Tensor @double() => to(ScalarType.Float64);

    public Tensor @long() => to(ScalarType.Int64);

    public Tensor @int() => to(ScalarType.Int32);

    public Tensor @bool() => to(ScalarType.Bool);

    /// <summary>A tensor with its own copy of the data.</summary>
    public Tensor clone() => Apply(&Native.wt_clone);

    /// <summary>This tensor if already contiguous (as a new handle), otherwise a contiguous copy.</summary>
    public Tensor contiguous() => Apply(&Native.wt_contiguous);

    /// <summary>Another handle to the same data (PyTorch's <c>alias</c>): disposing one leaves the other valid.</summary>
    public Tensor alias() => Apply(&Native.wt_alias);

    private Tensor To(ScalarType type, Device target, bool copy)
    {
        var result = Native.wt_to(Handle, (int)type, (int)target.Type, target.Index, copy ? 1 : 0);
        GC.KeepAlive(this);
        return From(result);
    }
}
