using Workflow.Torch.Interop;

namespace Workflow.Torch;

/// <summary>F.pad's modes (PyTorch's mode strings); numbered as the shim's.</summary>
public enum PaddingMode
{
    Constant = 0,
    Reflect = 1,
    Replicate = 2,
    Circular = 3,
}

public static unsafe partial class F
{
    /// <summary>
    /// Pads the last dimensions: <paramref name="pad"/> holds (before, after) pairs starting from the last
    /// dimension, as in PyTorch. <paramref name="value"/> fills for <see cref="PaddingMode.Constant"/>. Reflection and
    /// replication of a half-precision CPU tensor go through float32 (exact: padding copies values), since torch 1.13
    /// has no bfloat16 or float16 CPU kernels for them.
    /// </summary>
    public static Tensor pad(Tensor input, ReadOnlySpan<long> pad, PaddingMode mode = PaddingMode.Constant, double value = 0)
    {
        if (mode != PaddingMode.Constant && value != 0)
            throw new ArgumentException($"padding mode {mode} doesn't take in value argument", nameof(value));
        if (mode is PaddingMode.Reflect or PaddingMode.Replicate && input.dtype is ScalarType.BFloat16 or ScalarType.Float16
            && input.device.Type == DeviceType.CPU)
        {
            using var wide = input.to(ScalarType.Float32);
            using var padded = F.pad(wide, pad, mode);
            return padded.to(input.dtype);
        }
        fixed (long* p = pad)
            return Result(Native.wt_pad(input.Handle, p, pad.Length, (int)mode, value), input);
    }
}
