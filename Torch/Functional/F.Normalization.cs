using Workflow.Torch.Interop;

namespace Workflow.Torch;

public static unsafe partial class F
{
    public static Tensor group_norm(Tensor input, long num_groups, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5) =>
        Result(Native.wt_group_norm(input.Handle, num_groups, HandleOf(weight), HandleOf(bias), eps), input, weight, bias);

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
