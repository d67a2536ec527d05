using Workflow.Torch.Interop;

namespace Workflow.Torch;

/// <summary>F.interpolate's modes (PyTorch's mode strings); numbered as the shim's Mode.</summary>
public enum InterpolateMode
{
    Nearest = 0,
    NearestExact = 1,
    Linear = 2,
    Bilinear = 3,
    Bicubic = 4,
    Trilinear = 5,
    Area = 6,
}

public static unsafe partial class F
{
    /// <summary>
    /// Resizes the spatial dimensions (all but the first two) to <paramref name="size"/> or by
    /// <paramref name="scale_factor"/> (exactly one), dispatching as torch.nn.functional.interpolate does.
    /// <paramref name="align_corners"/> is for the linear and cubic modes only; <paramref name="antialias"/> for
    /// bilinear and bicubic on 4-D input.
    /// </summary>
    public static Tensor interpolate(Tensor input, long[]? size = null, double[]? scale_factor = null,
        InterpolateMode mode = InterpolateMode.Nearest, bool? align_corners = null, bool antialias = false)
    {
        if ((size is null) == (scale_factor is null))
            throw new ArgumentException("only one of size or scale_factor should be defined");
        var interpolating = mode is InterpolateMode.Linear or InterpolateMode.Bilinear or InterpolateMode.Bicubic
            or InterpolateMode.Trilinear;
        if (align_corners.HasValue && !interpolating)
            throw new ArgumentException(
                "align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear");
        var count = size?.Length ?? scale_factor!.Length;
        fixed (long* s = size)
        fixed (double* f = scale_factor)
            return Result(Native.wt_interpolate(input.Handle, (int)mode, s, f, count, align_corners == true ? 1 : 0,
                antialias ? 1 : 0), input);
    }

    /// <summary>Resizes every spatial dimension by the same <paramref name="scale_factor"/>.</summary>
    public static Tensor interpolate(Tensor input, double scale_factor, InterpolateMode mode = InterpolateMode.Nearest,
        bool? align_corners = null, bool antialias = false) =>
        interpolate(input, scale_factor: Enumerable.Repeat(scale_factor, Math.Max(input.ndim - 2, 0)).ToArray(),
            mode: mode, align_corners: align_corners, antialias: antialias);
}
