using Workflow.Torch.Interop;

namespace Workflow.Torch;

public static unsafe partial class F
{
    /// <summary>
    /// Normalises each of <paramref name="num_groups"/> groups of channels. A non-contiguous bfloat16 input (a
    /// channels-last view, as diffusers' attention leaves its output) is made contiguous first: torch 1.13's
    /// channels-last kernel is wrong in bfloat16 at large sizes (4.5 off on a unit-normal 2×32×64×64, against 0.08).
    /// </summary>
    public static Tensor group_norm(Tensor input, long num_groups, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
    {
        if (input.dtype == ScalarType.BFloat16 && !input.is_contiguous())
        {
            using var contiguous = input.contiguous();
            return group_norm(contiguous, num_groups, weight, bias, eps);
        }
        return Result(Native.wt_group_norm(input.Handle, num_groups, HandleOf(weight), HandleOf(bias), eps), input, weight, bias);
    }

    /// <summary>Normalises over the trailing dimensions given by <paramref name="normalized_shape"/>.</summary>
    public static Tensor layer_norm(Tensor input, ReadOnlySpan<long> normalized_shape, Tensor? weight = null,
        Tensor? bias = null, double eps = 1e-5)
    {
        fixed (long* shape = normalized_shape)
            return Result(Native.wt_layer_norm(input.Handle, shape, normalized_shape.Length, HandleOf(weight), HandleOf(bias), eps),
                input, weight, bias);
    }

    /// <summary>
    /// x / sqrt(mean(x^2) + eps) * weight over the trailing dimensions (PyTorch 2.4's F.rms_norm; computed as its
    /// composite on older libtorch). A null eps is the machine epsilon of the compute dtype.
    /// </summary>
    public static Tensor rms_norm(Tensor input, ReadOnlySpan<long> normalized_shape, Tensor? weight = null, double? eps = null)
    {
        var epsValue = eps.GetValueOrDefault();
        fixed (long* shape = normalized_shape)
            return Result(Native.wt_rms_norm(input.Handle, shape, normalized_shape.Length, HandleOf(weight),
                eps.HasValue ? &epsValue : null), input, weight);
    }
}
