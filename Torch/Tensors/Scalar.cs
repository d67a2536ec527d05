using System.Runtime.InteropServices;

namespace Workflow.Torch;

/// <summary>
/// A number passed to an op (<c>x * 0.5</c>, <c>x.clamp(min: 0)</c>). Integers and bools keep their kind, so
/// PyTorch's promotion rules apply: an int64 tensor plus 1 stays int64, plus 1.0 becomes float.
/// Laid out as the shim's <c>wt_scalar</c>: the value's bits and its kind.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public readonly struct Scalar
{
    private readonly long _bits;
    private readonly ScalarKind _kind;

    private Scalar(long bits, ScalarKind kind) => (_bits, _kind) = (bits, kind);

    public static implicit operator Scalar(double value) => new(BitConverter.DoubleToInt64Bits(value), ScalarKind.Float);

    public static implicit operator Scalar(float value) => (double)value;

    public static implicit operator Scalar(long value) => new(value, ScalarKind.Int);

    public static implicit operator Scalar(int value) => (long)value;

    public static implicit operator Scalar(bool value) => new(value ? 1 : 0, ScalarKind.Bool);

    public static Scalar One => 1L;

    public override string ToString() => _kind switch
    {
        ScalarKind.Int => _bits.ToString(),
        ScalarKind.Bool => (_bits != 0).ToString(),
        _ => BitConverter.Int64BitsToDouble(_bits).ToString("R"),
    };

    private enum ScalarKind
    {
        Float = 0,
        Int = 1,
        Bool = 2,
    }
}
