using Workflow.Torch.Interop;

namespace Workflow.Torch;

// Views and reshapes, joins and splits. Views share storage with this tensor.
public sealed unsafe partial class Tensor
{
    public Tensor view(params ReadOnlySpan<long> shape) => Apply(&Native.wt_view, shape);

    /// <summary>The same bytes read as <paramref name="dtype"/>; with another element size the last dimension (stride 1) rescales.</summary>
    public Tensor view(ScalarType dtype)
    {
        var result = Native.wt_view_dtype(Handle, (int)dtype);
        GC.KeepAlive(this);
        return From(result);
    }

    public Tensor reshape(params ReadOnlySpan<long> shape) => Apply(&Native.wt_reshape, shape);
    public Tensor permute(params ReadOnlySpan<long> dims) => Apply(&Native.wt_permute, dims);
    public Tensor expand(params ReadOnlySpan<long> shape) => Apply(&Native.wt_expand, shape);
    public Tensor expand_as(Tensor other) => expand(other.shape);
    public Tensor repeat(params ReadOnlySpan<long> repeats) => Apply(&Native.wt_repeat, repeats);
    public Tensor flip(params ReadOnlySpan<long> dims) => Apply(&Native.wt_flip, dims);
    public Tensor unsqueeze(long dim) => Apply(&Native.wt_unsqueeze, dim);
    public Tensor squeeze() => Apply(&Native.wt_squeeze);
    public Tensor squeeze(long dim) => Apply(&Native.wt_squeeze_dim, dim);
    public Tensor tril(long diagonal = 0) => Apply(&Native.wt_tril, diagonal);
    public Tensor triu(long diagonal = 0) => Apply(&Native.wt_triu, diagonal);

    public Tensor transpose(long dim0, long dim1)
    {
        var result = Native.wt_transpose(Handle, dim0, dim1);
        GC.KeepAlive(this);
        return From(result);
    }

    /// <summary>Transpose of a matrix (dimensions 0 and 1); a vector is returned as is.</summary>
    public Tensor t() => ndim < 2 ? alias() : transpose(0, 1);

    public Tensor flatten(long start_dim = 0, long end_dim = -1)
    {
        var result = Native.wt_flatten(Handle, start_dim, end_dim);
        GC.KeepAlive(this);
        return From(result);
    }

    public Tensor unflatten(long dim, params ReadOnlySpan<long> sizes)
    {
        nint result;
        fixed (long* p = sizes)
            result = Native.wt_unflatten(Handle, dim, p, sizes.Length);
        GC.KeepAlive(this);
        return From(result);
    }

    public Tensor repeat_interleave(long repeats, long dim)
    {
        var result = Native.wt_repeat_interleave(Handle, repeats, dim);
        GC.KeepAlive(this);
        return From(result);
    }

    public Tensor roll(long shifts, long dim)
    {
        var result = Native.wt_roll(Handle, shifts, dim);
        GC.KeepAlive(this);
        return From(result);
    }

    /// <summary>Splits into <paramref name="chunks"/> pieces along <paramref name="dim"/> (fewer when the size does not allow that many).</summary>
    public Tensor[] chunk(long chunks, long dim = 0)
    {
        var output = new nint[Math.Max(chunks, 1)];
        fixed (nint* p = output)
            return Pieces(Native.wt_chunk(Handle, chunks, dim, p, chunks), output);
    }

    /// <summary>Pieces of <paramref name="split_size"/> along <paramref name="dim"/> (the last may be smaller).</summary>
    public Tensor[] split(long split_size, long dim = 0)
    {
        var capacity = split_size > 0 ? Math.Max(1, (size(dim) + split_size - 1) / split_size) : 1;
        var output = new nint[capacity];
        fixed (nint* p = output)
            return Pieces(Native.wt_split(Handle, split_size, dim, p, capacity), output);
    }

    /// <summary>Pieces of the given sizes along <paramref name="dim"/>.</summary>
    public Tensor[] split(ReadOnlySpan<long> split_sizes, long dim = 0)
    {
        var output = new nint[split_sizes.Length];
        fixed (long* sizes = split_sizes)
        fixed (nint* p = output)
            return Pieces(Native.wt_split_with_sizes(Handle, sizes, split_sizes.Length, dim, p, output.Length), output);
    }

    /// <summary>Every slice along <paramref name="dim"/>, that dimension removed.</summary>
    public Tensor[] unbind(long dim = 0)
    {
        var count = size(dim);
        var output = new nint[count];
        fixed (nint* p = output)
            return Pieces(Native.wt_unbind(Handle, dim, p, count), output);
    }

    private Tensor[] Pieces(long count, nint[] handles)
    {
        GC.KeepAlive(this);
        if (count < 0)
            throw TorchException.FromLastError();
        var result = new Tensor[count];
        for (var i = 0; i < count; i++)
            result[i] = new Tensor(handles[i]);
        return result;
    }
}
