using Workflow.Torch.Interop;

namespace Workflow.Torch;

// Reductions over all or some dimensions, and cumulative scans. Dimensions may be negative.
public sealed unsafe partial class Tensor
{
    public Tensor sum() => Reduce(&Native.wt_sum, null, 0, false, null);

    public Tensor sum(long dim, bool keepdim = false, ScalarType? dtype = null) =>
        Reduce(&Native.wt_sum, &dim, 1, keepdim, dtype);

    public Tensor sum(ReadOnlySpan<long> dims, bool keepdim = false, ScalarType? dtype = null)
    {
        fixed (long* p = dims)
            return Reduce(&Native.wt_sum, p, dims.Length, keepdim, dtype);
    }

    public Tensor mean() => Reduce(&Native.wt_mean, null, 0, false, null);

    public Tensor mean(long dim, bool keepdim = false, ScalarType? dtype = null) =>
        Reduce(&Native.wt_mean, &dim, 1, keepdim, dtype);

    public Tensor mean(ReadOnlySpan<long> dims, bool keepdim = false, ScalarType? dtype = null)
    {
        fixed (long* p = dims)
            return Reduce(&Native.wt_mean, p, dims.Length, keepdim, dtype);
    }

    /// <summary>Variance over everything; <paramref name="unbiased"/> divides by N - 1 (PyTorch's default).</summary>
    public Tensor var(bool unbiased = true) => Spread(&Native.wt_var, null, 0, unbiased, false);

    public Tensor var(long dim, bool unbiased = true, bool keepdim = false) =>
        Spread(&Native.wt_var, &dim, 1, unbiased, keepdim);

    public Tensor var(ReadOnlySpan<long> dims, bool unbiased = true, bool keepdim = false)
    {
        fixed (long* p = dims)
            return Spread(&Native.wt_var, p, dims.Length, unbiased, keepdim);
    }

    public Tensor std(bool unbiased = true) => Spread(&Native.wt_std, null, 0, unbiased, false);

    public Tensor std(long dim, bool unbiased = true, bool keepdim = false) =>
        Spread(&Native.wt_std, &dim, 1, unbiased, keepdim);

    public Tensor std(ReadOnlySpan<long> dims, bool unbiased = true, bool keepdim = false)
    {
        fixed (long* p = dims)
            return Spread(&Native.wt_std, p, dims.Length, unbiased, keepdim);
    }

    /// <summary>The largest element (a 0-dim tensor).</summary>
    public Tensor max() => Apply(&Native.wt_max);

    /// <summary>Largest values along <paramref name="dim"/> and their indices (torch.max(x, dim)).</summary>
    public (Tensor values, Tensor indices) max(long dim, bool keepdim = false) => ValuesAndIndices(&Native.wt_max_dim, dim, keepdim);

    /// <summary>Elementwise maximum (torch.max(x, other)).</summary>
    public Tensor max(Tensor other) => maximum(other);

    public Tensor min() => Apply(&Native.wt_min);

    public (Tensor values, Tensor indices) min(long dim, bool keepdim = false) => ValuesAndIndices(&Native.wt_min_dim, dim, keepdim);

    public Tensor min(Tensor other) => minimum(other);

    public Tensor amax(ReadOnlySpan<long> dims, bool keepdim = false) => Extreme(&Native.wt_amax, dims, keepdim);

    public Tensor amin(ReadOnlySpan<long> dims, bool keepdim = false) => Extreme(&Native.wt_amin, dims, keepdim);

    /// <summary>Index of the largest element of the flattened tensor.</summary>
    public Tensor argmax() => ArgExtreme(&Native.wt_argmax, null, false);

    public Tensor argmax(long dim, bool keepdim = false) => ArgExtreme(&Native.wt_argmax, &dim, keepdim);

    public Tensor argmin() => ArgExtreme(&Native.wt_argmin, null, false);

    public Tensor argmin(long dim, bool keepdim = false) => ArgExtreme(&Native.wt_argmin, &dim, keepdim);

    public Tensor all() => Apply(&Native.wt_all);

    public Tensor any() => Apply(&Native.wt_any);

    /// <summary>The vector p-norm over everything (torch.linalg.vector_norm).</summary>
    public Tensor norm(double p = 2) => Norm(p, null, 0, false);

    public Tensor norm(double p, long dim, bool keepdim = false) => Norm(p, &dim, 1, keepdim);

    public Tensor cumsum(long dim, ScalarType? dtype = null) => Scan(&Native.wt_cumsum, dim, dtype);

    public Tensor cumprod(long dim, ScalarType? dtype = null) => Scan(&Native.wt_cumprod, dim, dtype);

    private Tensor Reduce(delegate*<nint, long*, int, int, int, nint> op, long* dims, int count, bool keepdim, ScalarType? dtype)
    {
        var result = op(Handle, dims, count, keepdim ? 1 : 0, dtype is { } type ? (int)type : -1);
        GC.KeepAlive(this);
        return From(result);
    }

    private Tensor Spread(delegate*<nint, long*, int, int, int, nint> op, long* dims, int count, bool unbiased, bool keepdim)
    {
        var result = op(Handle, dims, count, unbiased ? 1 : 0, keepdim ? 1 : 0);
        GC.KeepAlive(this);
        return From(result);
    }

    private Tensor Extreme(delegate*<nint, long*, int, int, nint> op, ReadOnlySpan<long> dims, bool keepdim)
    {
        nint result;
        fixed (long* p = dims)
            result = op(Handle, p, dims.Length, keepdim ? 1 : 0);
        GC.KeepAlive(this);
        return From(result);
    }

    private Tensor ArgExtreme(delegate*<nint, long*, int, nint> op, long* dim, bool keepdim)
    {
        var result = op(Handle, dim, keepdim ? 1 : 0);
        GC.KeepAlive(this);
        return From(result);
    }

    private (Tensor, Tensor) ValuesAndIndices(delegate*<nint, long, int, nint*, int> op, long dim, bool keepdim)
    {
        var output = stackalloc nint[2];
        TorchException.ThrowIfFailed(op(Handle, dim, keepdim ? 1 : 0, output));
        GC.KeepAlive(this);
        return (new Tensor(output[0]), new Tensor(output[1]));
    }

    private Tensor Norm(double p, long* dims, int count, bool keepdim)
    {
        var result = Native.wt_norm(Handle, p, dims, count, keepdim ? 1 : 0);
        GC.KeepAlive(this);
        return From(result);
    }

    private Tensor Scan(delegate*<nint, long, int, nint> op, long dim, ScalarType? dtype)
    {
        var result = op(Handle, dim, dtype is { } type ? (int)type : -1);
        GC.KeepAlive(this);
        return From(result);
    }
}
