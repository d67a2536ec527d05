using Workflow.Torch.Interop;

namespace Workflow.Torch;

// Random factories. Without a generator they draw from the device's default generator (seeded by
// manual_seed); on the CPU the numbers are bit-identical to PyTorch's for the same seed and shape.
public static unsafe partial class torch
{
    /// <summary>Standard normal samples.</summary>
    public static Tensor randn(ReadOnlySpan<long> shape, Generator? generator = null, ScalarType? dtype = null, Device? device = null) =>
        Random(&Native.wt_randn, shape, generator, dtype, device);

    /// <summary>Uniform samples in [0, 1).</summary>
    public static Tensor rand(ReadOnlySpan<long> shape, Generator? generator = null, ScalarType? dtype = null, Device? device = null) =>
        Random(&Native.wt_rand, shape, generator, dtype, device);

    /// <summary>Uniform integers in [low, high); int64 unless a dtype is given.</summary>
    public static Tensor randint(long low, long high, ReadOnlySpan<long> shape, Generator? generator = null,
        ScalarType? dtype = null, Device? device = null)
    {
        var target = device ?? Device.CPU;
        nint result;
        fixed (long* p = shape)
            result = Native.wt_randint(low, high, p, shape.Length, generator?.Handle ?? 0, DtypeCode(dtype), (int)target.Type, target.Index);
        GC.KeepAlive(generator);
        return Tensor.From(result);
    }

    public static Tensor randn_like(Tensor other, Generator? generator = null) =>
        randn(other.shape, generator, other.dtype, other.device);

    private static Tensor Random(delegate*<long*, int, nint, int, int, int, nint> op, ReadOnlySpan<long> shape,
        Generator? generator, ScalarType? dtype, Device? device)
    {
        var target = device ?? Device.CPU;
        nint result;
        fixed (long* p = shape)
            result = op(p, shape.Length, generator?.Handle ?? 0, DtypeCode(dtype), (int)target.Type, target.Index);
        GC.KeepAlive(generator);
        return Tensor.From(result);
    }
}
