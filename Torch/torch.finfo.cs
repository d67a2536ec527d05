namespace Workflow.Torch;

public static partial class torch
{
    /// <summary>PyTorch's torch.finfo: the limits of a floating-point dtype.</summary>
    public static finfo finfo(ScalarType dtype) => dtype switch
    {
        ScalarType.Float16 => new(16, 0.0009765625, 65504.0, 6.103515625e-05),
        ScalarType.BFloat16 => new(16, 0.0078125, 3.3895313892515355e+38, 1.1754943508222875e-38),
        ScalarType.Float32 => new(32, 1.1920928955078125e-07, 3.4028234663852886e+38, 1.1754943508222875e-38),
        ScalarType.Float64 => new(64, 2.220446049250313e-16, double.MaxValue, 2.2250738585072014e-308),
        _ => throw new ArgumentException($"finfo: {dtype} is not a floating-point dtype", nameof(dtype)),
    };
}

/// <summary>The limits of a floating-point dtype, as torch.finfo reports them: <see cref="min"/> is −<see cref="max"/>.</summary>
public sealed record finfo(int bits, double eps, double max, double tiny)
{
    public double min => -max;
}
