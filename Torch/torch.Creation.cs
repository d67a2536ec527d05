using Workflow.Torch.Interop;

namespace Workflow.Torch;

// Factories. Unless a dtype is given, floating factories make float32 on the CPU, as PyTorch does.
public static unsafe partial class torch
{
    public static Tensor empty(ReadOnlySpan<long> shape, ScalarType? dtype = null, Device? device = null) =>
        Factory(&Native.wt_empty, shape, dtype, device);

    public static Tensor zeros(ReadOnlySpan<long> shape, ScalarType? dtype = null, Device? device = null) =>
        Factory(&Native.wt_zeros, shape, dtype, device);

    public static Tensor ones(ReadOnlySpan<long> shape, ScalarType? dtype = null, Device? device = null) =>
        Factory(&Native.wt_ones, shape, dtype, device);

    /// <summary>Filled with <paramref name="value"/>; without a dtype it is inferred from the value (bool, int64 or float32).</summary>
    public static Tensor full(ReadOnlySpan<long> shape, Scalar value, ScalarType? dtype = null, Device? device = null)
    {
        var target = device ?? Device.CPU;
        fixed (long* p = shape)
            return Tensor.From(Native.wt_full(p, shape.Length, value, DtypeCode(dtype), (int)target.Type, target.Index));
    }

    public static Tensor empty_like(Tensor other, ScalarType? dtype = null) => Like(&Native.wt_empty_like, other, dtype);

    public static Tensor zeros_like(Tensor other, ScalarType? dtype = null) => Like(&Native.wt_zeros_like, other, dtype);

    public static Tensor ones_like(Tensor other, ScalarType? dtype = null) => Like(&Native.wt_ones_like, other, dtype);

    public static Tensor full_like(Tensor other, Scalar value, ScalarType? dtype = null)
    {
        var result = Native.wt_full_like(other.Handle, value, DtypeCode(dtype));
        GC.KeepAlive(other);
        return Tensor.From(result);
    }

    /// <summary>[0, end) in steps of 1; integers give int64, as in PyTorch.</summary>
    public static Tensor arange(Scalar end, ScalarType? dtype = null, Device? device = null) => arange(0L, end, 1L, dtype, device);

    /// <summary>[start, end) in steps of <paramref name="step"/>; all-integer arguments give int64.</summary>
    public static Tensor arange(Scalar start, Scalar end, Scalar? step = null, ScalarType? dtype = null, Device? device = null)
    {
        var target = device ?? Device.CPU;
        return Tensor.From(Native.wt_arange(start, end, step ?? 1L, DtypeCode(dtype), (int)target.Type, target.Index));
    }

    /// <summary><paramref name="steps"/> evenly spaced values from start to end inclusive.</summary>
    public static Tensor linspace(double start, double end, long steps, ScalarType? dtype = null, Device? device = null)
    {
        var target = device ?? Device.CPU;
        return Tensor.From(Native.wt_linspace(start, end, steps, DtypeCode(dtype), (int)target.Type, target.Index));
    }

    /// <summary>A tensor holding a copy of <paramref name="values"/>, one-dimensional.</summary>
    public static Tensor tensor<T>(ReadOnlySpan<T> values, ScalarType? dtype = null, Device? device = null) where T : unmanaged =>
        tensor(values, [values.Length], dtype, device);

    /// <summary>A tensor holding a copy of <paramref name="values"/> (row-major) with the given shape.</summary>
    public static Tensor tensor<T>(ReadOnlySpan<T> values, ReadOnlySpan<long> shape, ScalarType? dtype = null, Device? device = null)
        where T : unmanaged
    {
        var count = 1L;
        foreach (var size in shape)
            count *= size;
        if (count != values.Length)
            throw new ArgumentException($"{values.Length} values do not fill shape [{string.Join(", ", shape.ToArray())}]", nameof(values));
        var target = device ?? Device.CPU;
        fixed (T* data = values)
        fixed (long* p = shape)
            return Tensor.From(Native.wt_from_buffer(
                data, (int)ScalarTypeExtensions.Of<T>(), p, shape.Length, DtypeCode(dtype), (int)target.Type, target.Index));
    }

    /// <summary>A 0-dimensional tensor holding <paramref name="value"/>.</summary>
    public static Tensor scalar_tensor<T>(T value, ScalarType? dtype = null, Device? device = null) where T : unmanaged =>
        tensor(new ReadOnlySpan<T>(in value), [], dtype, device);

    private static Tensor Factory(delegate*<long*, int, int, int, int, nint> op, ReadOnlySpan<long> shape, ScalarType? dtype, Device? device)
    {
        var target = device ?? Device.CPU;
        fixed (long* p = shape)
            return Tensor.From(op(p, shape.Length, DtypeCode(dtype), (int)target.Type, target.Index));
    }

    private static Tensor Like(delegate*<nint, int, nint> op, Tensor other, ScalarType? dtype)
    {
        var result = op(other.Handle, DtypeCode(dtype));
        GC.KeepAlive(other);
        return Tensor.From(result);
    }

    /// <summary>The shim's dtype argument: -1 lets libtorch choose.</summary>
    private static int DtypeCode(ScalarType? dtype) => dtype is { } type ? (int)type : -1;
}
