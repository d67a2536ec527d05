using System.Text;
using Workflow.Torch.Interop;

namespace Workflow.Torch;

// Free functions over several tensors, and the torch.xxx(x) spellings of common tensor methods.
public static unsafe partial class torch
{
    public static Tensor cat(ReadOnlySpan<Tensor> tensors, long dim = 0) => Join(&Native.wt_cat, tensors, dim);

    public static Tensor stack(ReadOnlySpan<Tensor> tensors, long dim = 0) => Join(&Native.wt_stack, tensors, dim);

    /// <summary>Elementwise: <paramref name="input"/> where <paramref name="condition"/> is true, else <paramref name="other"/>.</summary>
    public static Tensor where(Tensor condition, Tensor input, Tensor other)
    {
        var result = Native.wt_where(condition.Handle, input.Handle, other.Handle);
        GC.KeepAlive(condition);
        GC.KeepAlive(input);
        GC.KeepAlive(other);
        return Tensor.From(result);
    }

    public static Tensor where(Tensor condition, Tensor input, Scalar other)
    {
        var result = Native.wt_where_scalar(condition.Handle, input.Handle, other);
        GC.KeepAlive(condition);
        GC.KeepAlive(input);
        return Tensor.From(result);
    }

    /// <summary>Einstein summation, e.g. <c>torch.einsum("bhqd,bhkd->bhqk", q, k)</c>.</summary>
    public static Tensor einsum(string equation, params ReadOnlySpan<Tensor> operands)
    {
        Span<byte> text = stackalloc byte[Encoding.UTF8.GetMaxByteCount(equation.Length) + 1];
        text[Encoding.UTF8.GetBytes(equation, text)] = 0;
        Span<nint> handles = operands.Length <= MaxStackHandles ? stackalloc nint[operands.Length] : new nint[operands.Length];
        nint result;
        fixed (byte* p = text)
        fixed (nint* h = HandlesOf(operands, handles))
            result = Native.wt_einsum(p, h, operands.Length);
        KeepAlive(operands);
        return Tensor.From(result);
    }

    public static Tensor matmul(Tensor input, Tensor other) => input.matmul(other);
    public static Tensor bmm(Tensor input, Tensor other) => input.bmm(other);
    public static Tensor baddbmm(Tensor input, Tensor batch1, Tensor batch2, Scalar? beta = null, Scalar? alpha = null) =>
        input.baddbmm(batch1, batch2, beta, alpha);
    public static Tensor exp(Tensor input) => input.exp();
    public static Tensor log(Tensor input) => input.log();
    public static Tensor sin(Tensor input) => input.sin();
    public static Tensor cos(Tensor input) => input.cos();
    public static Tensor acos(Tensor input) => input.acos();
    public static Tensor sqrt(Tensor input) => input.sqrt();
    public static Tensor rsqrt(Tensor input) => input.rsqrt();
    public static Tensor tanh(Tensor input) => input.tanh();
    public static Tensor sigmoid(Tensor input) => input.sigmoid();
    public static Tensor abs(Tensor input) => input.abs();
    public static Tensor pow(Tensor input, Scalar exponent) => input.pow(exponent);
    public static Tensor pow(Tensor input, Tensor exponent) => input.pow(exponent);
    public static Tensor pow(Scalar self, Tensor exponent)
    {
        var result = Native.wt_rpow_scalar(exponent.Handle, self);
        GC.KeepAlive(exponent);
        return Tensor.From(result);
    }
    public static Tensor clamp(Tensor input, Scalar? min = null, Scalar? max = null) => input.clamp(min, max);
    public static Tensor maximum(Tensor input, Tensor other) => input.maximum(other);
    public static Tensor minimum(Tensor input, Tensor other) => input.minimum(other);
    public static Tensor cumsum(Tensor input, long dim, ScalarType? dtype = null) => input.cumsum(dim, dtype);
    public static Tensor cumprod(Tensor input, long dim, ScalarType? dtype = null) => input.cumprod(dim, dtype);
    public static Tensor[] chunk(Tensor input, long chunks, long dim = 0) => input.chunk(chunks, dim);
    public static Tensor[] split(Tensor input, long split_size, long dim = 0) => input.split(split_size, dim);
    public static Tensor flatten(Tensor input, long start_dim = 0, long end_dim = -1) => input.flatten(start_dim, end_dim);
    public static Tensor lerp(Tensor input, Tensor end, Scalar weight) => input.lerp(end, weight);
    public static Tensor outer(Tensor input, Tensor other) => input.outer(other);

    private const int MaxStackHandles = 64;

    private static Tensor Join(delegate*<nint*, int, long, nint> op, ReadOnlySpan<Tensor> tensors, long dim)
    {
        Span<nint> handles = tensors.Length <= MaxStackHandles ? stackalloc nint[tensors.Length] : new nint[tensors.Length];
        nint result;
        fixed (nint* p = HandlesOf(tensors, handles))
            result = op(p, tensors.Length, dim);
        KeepAlive(tensors);
        return Tensor.From(result);
    }

    private static Span<nint> HandlesOf(ReadOnlySpan<Tensor> tensors, Span<nint> handles)
    {
        for (var i = 0; i < tensors.Length; i++)
            handles[i] = tensors[i].Handle;
        return handles;
    }

    /// <summary>Keeps the tensors reachable until here, so no finalizer frees a handle the native call used.</summary>
    private static void KeepAlive(ReadOnlySpan<Tensor> tensors)
    {
        foreach (var tensor in tensors)
            GC.KeepAlive(tensor);
    }
}
