using Workflow.Torch.Interop;

namespace Workflow.Torch;

// Shape, dtype, device and layout queries.
public sealed unsafe partial class Tensor
{
    /// <summary>The sizes of every dimension (a new array each call; prefer <see cref="size(long)"/> in loops).</summary>
    public long[] shape
    {
        get
        {
            var result = new long[ndim];
            fixed (long* p = result)
                Native.wt_shape(Handle, p);
            GC.KeepAlive(this);
            return result;
        }
    }

    public int ndim => (int)Native.wt_ndim(Handle);

    public ScalarType dtype => (ScalarType)Native.wt_dtype(Handle);

    public Device device
    {
        get
        {
            int type, index;
            Native.wt_device(Handle, &type, &index);
            GC.KeepAlive(this);
            return new Device((DeviceType)type, index);
        }
    }

    public long[] size() => shape;

    /// <summary>The size of one dimension; negative counts from the end.</summary>
    public long size(long dim)
    {
        long result;
        TorchException.ThrowIfFailed(Native.wt_size(Handle, dim, &result));
        GC.KeepAlive(this);
        return result;
    }

    public int dim() => ndim;

    public long numel() => Native.wt_numel(Handle);

    public long[] stride()
    {
        var result = new long[ndim];
        fixed (long* p = result)
            Native.wt_strides(Handle, p);
        GC.KeepAlive(this);
        return result;
    }

    public bool is_contiguous() => Native.wt_is_contiguous(Handle) != 0;

    public bool is_floating_point() => dtype.IsFloatingPoint();

    public long element_size() => dtype.ElementSize();
}
