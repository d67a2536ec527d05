using Workflow.Torch.Interop;

namespace Workflow.Torch;

// Selecting by position (slice, select, narrow, this[i]) and by index or mask tensors.
public sealed unsafe partial class Tensor
{
    /// <summary>Python's <c>x[i]</c>: the slice at <paramref name="index"/> along dimension 0.</summary>
    public Tensor this[long index] => select(0, index);

    /// <summary>Python's <c>x[..., start:end:step, ...]</c> on one dimension; a null end runs to the end.</summary>
    public Tensor slice(long dim, long? start = null, long? end = null, long step = 1)
    {
        var result = Native.wt_slice(Handle, dim, start ?? 0, end ?? long.MaxValue, step);
        GC.KeepAlive(this);
        return From(result);
    }

    /// <summary>The slice at <paramref name="index"/> along <paramref name="dim"/>, that dimension removed.</summary>
    public Tensor select(long dim, long index)
    {
        var result = Native.wt_select(Handle, dim, index);
        GC.KeepAlive(this);
        return From(result);
    }

    public Tensor narrow(long dim, long start, long length)
    {
        var result = Native.wt_narrow(Handle, dim, start, length);
        GC.KeepAlive(this);
        return From(result);
    }

    public Tensor index_select(long dim, Tensor index)
    {
        var result = Native.wt_index_select(Handle, dim, index.Handle);
        GC.KeepAlive(this);
        GC.KeepAlive(index);
        return From(result);
    }

    public Tensor gather(long dim, Tensor index)
    {
        var result = Native.wt_gather(Handle, dim, index.Handle);
        GC.KeepAlive(this);
        GC.KeepAlive(index);
        return From(result);
    }

    /// <summary>This tensor with <paramref name="value"/> wherever <paramref name="mask"/> is true.</summary>
    public Tensor masked_fill(Tensor mask, Scalar value)
    {
        var result = Native.wt_masked_fill(Handle, mask.Handle, value);
        GC.KeepAlive(this);
        GC.KeepAlive(mask);
        return From(result);
    }

    public Tensor masked_fill_(Tensor mask, Scalar value)
    {
        TorchException.ThrowIfFailed(Native.wt_masked_fill_(Handle, mask.Handle, value));
        GC.KeepAlive(mask);
        return this;
    }

    /// <summary>torch.where(condition, this, other)</summary>
    public Tensor where(Tensor condition, Tensor other) => torch.where(condition, this, other);

    public Tensor where(Tensor condition, Scalar other) => torch.where(condition, this, other);
}
