using Workflow.Torch.Interop;

namespace Workflow.Torch;

// Comparisons and logic; each returns a bool tensor.
public sealed unsafe partial class Tensor
{
    public Tensor eq(Tensor other) => Apply(&Native.wt_eq, other);
    public Tensor eq(Scalar other) => Apply(&Native.wt_eq_scalar, other);
    public Tensor ne(Tensor other) => Apply(&Native.wt_ne, other);
    public Tensor ne(Scalar other) => Apply(&Native.wt_ne_scalar, other);
    public Tensor lt(Tensor other) => Apply(&Native.wt_lt, other);
    public Tensor lt(Scalar other) => Apply(&Native.wt_lt_scalar, other);
    public Tensor le(Tensor other) => Apply(&Native.wt_le, other);
    public Tensor le(Scalar other) => Apply(&Native.wt_le_scalar, other);
    public Tensor gt(Tensor other) => Apply(&Native.wt_gt, other);
    public Tensor gt(Scalar other) => Apply(&Native.wt_gt_scalar, other);
    public Tensor ge(Tensor other) => Apply(&Native.wt_ge, other);
    public Tensor ge(Scalar other) => Apply(&Native.wt_ge_scalar, other);
    public Tensor logical_and(Tensor other) => Apply(&Native.wt_logical_and, other);
    public Tensor logical_or(Tensor other) => Apply(&Native.wt_logical_or, other);
    public Tensor logical_not() => Apply(&Native.wt_logical_not);
    public Tensor isnan() => Apply(&Native.wt_isnan);
    public Tensor isinf() => Apply(&Native.wt_isinf);

    /// <summary>|this - other| &lt;= atol + rtol * |other|, elementwise.</summary>
    public Tensor isclose(Tensor other, double rtol = 1e-5, double atol = 1e-8, bool equal_nan = false)
    {
        var result = Native.wt_isclose(Handle, other.Handle, rtol, atol, equal_nan ? 1 : 0);
        GC.KeepAlive(this);
        GC.KeepAlive(other);
        return From(result);
    }

    public bool allclose(Tensor other, double rtol = 1e-5, double atol = 1e-8, bool equal_nan = false)
    {
        using var close = isclose(other, rtol, atol, equal_nan);
        using var all = close.all();
        return all.item<bool>();
    }

    /// <summary>Same shape and the same values (torch.equal).</summary>
    public bool equal(Tensor other)
    {
        if (!shape.AsSpan().SequenceEqual(other.shape))
            return false;
        using var same = eq(other);
        using var all = same.all();
        return all.item<bool>();
    }
}
