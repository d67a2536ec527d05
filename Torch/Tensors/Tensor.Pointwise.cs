using Workflow.Torch.Interop;

namespace Workflow.Torch;

// Elementwise functions of one tensor, and the in-place forms that save an allocation.
public sealed unsafe partial class Tensor
{
    public Tensor neg() => Apply(&Native.wt_neg);
    public Tensor abs() => Apply(&Native.wt_abs);
    public Tensor exp() => Apply(&Native.wt_exp);
    public Tensor log() => Apply(&Native.wt_log);
    public Tensor log2() => Apply(&Native.wt_log2);
    public Tensor sin() => Apply(&Native.wt_sin);
    public Tensor cos() => Apply(&Native.wt_cos);
    public Tensor acos() => Apply(&Native.wt_acos);
    public Tensor sqrt() => Apply(&Native.wt_sqrt);
    public Tensor rsqrt() => Apply(&Native.wt_rsqrt);
    public Tensor tanh() => Apply(&Native.wt_tanh);
    public Tensor sigmoid() => Apply(&Native.wt_sigmoid);
    public Tensor floor() => Apply(&Native.wt_floor);
    public Tensor ceil() => Apply(&Native.wt_ceil);
    public Tensor round() => Apply(&Native.wt_round);
    public Tensor trunc() => Apply(&Native.wt_trunc);
    public Tensor reciprocal() => Apply(&Native.wt_reciprocal);
    public Tensor erf() => Apply(&Native.wt_erf);
    public Tensor expm1() => Apply(&Native.wt_expm1);
    public Tensor log1p() => Apply(&Native.wt_log1p);
    public Tensor sign() => Apply(&Native.wt_sign);
    public Tensor square() => Apply(&Native.wt_square);

    public Tensor neg_() => InPlace(&Native.wt_neg_);
    public Tensor abs_() => InPlace(&Native.wt_abs_);
    public Tensor exp_() => InPlace(&Native.wt_exp_);
    public Tensor log_() => InPlace(&Native.wt_log_);
    public Tensor sqrt_() => InPlace(&Native.wt_sqrt_);
    public Tensor rsqrt_() => InPlace(&Native.wt_rsqrt_);
    public Tensor tanh_() => InPlace(&Native.wt_tanh_);
    public Tensor sigmoid_() => InPlace(&Native.wt_sigmoid_);
    public Tensor floor_() => InPlace(&Native.wt_floor_);
    public Tensor round_() => InPlace(&Native.wt_round_);
    public Tensor reciprocal_() => InPlace(&Native.wt_reciprocal_);

    /// <summary>Limits every element to [min, max]; either bound may be omitted.</summary>
    public Tensor clamp(Scalar? min = null, Scalar? max = null)
    {
        var (low, high) = (min.GetValueOrDefault(), max.GetValueOrDefault());
        var result = Native.wt_clamp(Handle, min.HasValue ? &low : null, max.HasValue ? &high : null);
        GC.KeepAlive(this);
        return From(result);
    }

    public Tensor clamp_(Scalar? min = null, Scalar? max = null)
    {
        var (low, high) = (min.GetValueOrDefault(), max.GetValueOrDefault());
        TorchException.ThrowIfFailed(Native.wt_clamp_(Handle, min.HasValue ? &low : null, max.HasValue ? &high : null));
        return this;
    }

    public Tensor clamp_min(Scalar min) => clamp(min: min);

    public Tensor clamp_max(Scalar max) => clamp(max: max);
}
