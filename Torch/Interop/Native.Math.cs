using System.Runtime.InteropServices;

namespace Workflow.Torch.Interop;

// Native/src/math.cpp
internal static unsafe partial class Native
{
    [LibraryImport(Library)]
    internal static partial nint wt_add(nint self, nint other, Scalar alpha);

    [LibraryImport(Library)]
    internal static partial nint wt_add_scalar(nint self, Scalar other, Scalar alpha);

    [LibraryImport(Library)]
    internal static partial nint wt_sub(nint self, nint other, Scalar alpha);

    [LibraryImport(Library)]
    internal static partial nint wt_sub_scalar(nint self, Scalar other, Scalar alpha);

    [LibraryImport(Library)]
    internal static partial int wt_add_(nint self, nint other, Scalar alpha);

    [LibraryImport(Library)]
    internal static partial int wt_add_scalar_(nint self, Scalar other, Scalar alpha);

    [LibraryImport(Library)]
    internal static partial int wt_sub_(nint self, nint other, Scalar alpha);

    [LibraryImport(Library)]
    internal static partial int wt_sub_scalar_(nint self, Scalar other, Scalar alpha);

    [LibraryImport(Library)]
    internal static partial nint wt_mul(nint self, nint other);

    [LibraryImport(Library)]
    internal static partial nint wt_mul_scalar(nint self, Scalar other);

    [LibraryImport(Library)]
    internal static partial nint wt_div(nint self, nint other);

    [LibraryImport(Library)]
    internal static partial nint wt_div_scalar(nint self, Scalar other);

    [LibraryImport(Library)]
    internal static partial nint wt_pow(nint self, nint other);

    [LibraryImport(Library)]
    internal static partial nint wt_pow_scalar(nint self, Scalar other);

    [LibraryImport(Library)]
    internal static partial nint wt_remainder(nint self, nint other);

    [LibraryImport(Library)]
    internal static partial nint wt_remainder_scalar(nint self, Scalar other);

    [LibraryImport(Library)]
    internal static partial nint wt_eq(nint self, nint other);

    [LibraryImport(Library)]
    internal static partial nint wt_eq_scalar(nint self, Scalar other);

    [LibraryImport(Library)]
    internal static partial nint wt_ne(nint self, nint other);

    [LibraryImport(Library)]
    internal static partial nint wt_ne_scalar(nint self, Scalar other);

    [LibraryImport(Library)]
    internal static partial nint wt_lt(nint self, nint other);

    [LibraryImport(Library)]
    internal static partial nint wt_lt_scalar(nint self, Scalar other);

    [LibraryImport(Library)]
    internal static partial nint wt_le(nint self, nint other);

    [LibraryImport(Library)]
    internal static partial nint wt_le_scalar(nint self, Scalar other);

    [LibraryImport(Library)]
    internal static partial nint wt_gt(nint self, nint other);

    [LibraryImport(Library)]
    internal static partial nint wt_gt_scalar(nint self, Scalar other);

    [LibraryImport(Library)]
    internal static partial nint wt_ge(nint self, nint other);

    [LibraryImport(Library)]
    internal static partial nint wt_ge_scalar(nint self, Scalar other);

    [LibraryImport(Library)]
    internal static partial int wt_mul_(nint self, nint other);

    [LibraryImport(Library)]
    internal static partial int wt_mul_scalar_(nint self, Scalar other);

    [LibraryImport(Library)]
    internal static partial int wt_div_(nint self, nint other);

    [LibraryImport(Library)]
    internal static partial int wt_div_scalar_(nint self, Scalar other);

    [LibraryImport(Library)]
    internal static partial int wt_pow_(nint self, nint other);

    [LibraryImport(Library)]
    internal static partial int wt_pow_scalar_(nint self, Scalar other);

    [LibraryImport(Library)]
    internal static partial nint wt_maximum(nint self, nint other);

    [LibraryImport(Library)]
    internal static partial nint wt_minimum(nint self, nint other);

    [LibraryImport(Library)]
    internal static partial nint wt_logical_and(nint self, nint other);

    [LibraryImport(Library)]
    internal static partial nint wt_logical_or(nint self, nint other);

    [LibraryImport(Library)]
    internal static partial nint wt_rsub_scalar(nint self, Scalar other);

    [LibraryImport(Library)]
    internal static partial nint wt_rdiv_scalar(nint self, Scalar other);

    [LibraryImport(Library)]
    internal static partial nint wt_rpow_scalar(nint self, Scalar other);

    [LibraryImport(Library)]
    internal static partial nint wt_neg(nint self);

    [LibraryImport(Library)]
    internal static partial nint wt_abs(nint self);

    [LibraryImport(Library)]
    internal static partial nint wt_exp(nint self);

    [LibraryImport(Library)]
    internal static partial nint wt_log(nint self);

    [LibraryImport(Library)]
    internal static partial nint wt_log2(nint self);

    [LibraryImport(Library)]
    internal static partial nint wt_sin(nint self);

    [LibraryImport(Library)]
    internal static partial nint wt_cos(nint self);

    [LibraryImport(Library)]
    internal static partial nint wt_acos(nint self);

    [LibraryImport(Library)]
    internal static partial nint wt_sqrt(nint self);

    [LibraryImport(Library)]
    internal static partial nint wt_rsqrt(nint self);

    [LibraryImport(Library)]
    internal static partial nint wt_tanh(nint self);

    [LibraryImport(Library)]
    internal static partial nint wt_sigmoid(nint self);

    [LibraryImport(Library)]
    internal static partial nint wt_floor(nint self);

    [LibraryImport(Library)]
    internal static partial nint wt_ceil(nint self);

    [LibraryImport(Library)]
    internal static partial nint wt_round(nint self);

    [LibraryImport(Library)]
    internal static partial nint wt_trunc(nint self);

    [LibraryImport(Library)]
    internal static partial nint wt_reciprocal(nint self);

    [LibraryImport(Library)]
    internal static partial nint wt_erf(nint self);

    [LibraryImport(Library)]
    internal static partial nint wt_expm1(nint self);

    [LibraryImport(Library)]
    internal static partial nint wt_log1p(nint self);

    [LibraryImport(Library)]
    internal static partial nint wt_sign(nint self);

    [LibraryImport(Library)]
    internal static partial nint wt_square(nint self);

    [LibraryImport(Library)]
    internal static partial nint wt_logical_not(nint self);

    [LibraryImport(Library)]
    internal static partial nint wt_isnan(nint self);

    [LibraryImport(Library)]
    internal static partial nint wt_isinf(nint self);

    [LibraryImport(Library)]
    internal static partial int wt_neg_(nint self);

    [LibraryImport(Library)]
    internal static partial int wt_abs_(nint self);

    [LibraryImport(Library)]
    internal static partial int wt_exp_(nint self);

    [LibraryImport(Library)]
    internal static partial int wt_log_(nint self);

    [LibraryImport(Library)]
    internal static partial int wt_sqrt_(nint self);

    [LibraryImport(Library)]
    internal static partial int wt_rsqrt_(nint self);

    [LibraryImport(Library)]
    internal static partial int wt_tanh_(nint self);

    [LibraryImport(Library)]
    internal static partial int wt_sigmoid_(nint self);

    [LibraryImport(Library)]
    internal static partial int wt_floor_(nint self);

    [LibraryImport(Library)]
    internal static partial int wt_round_(nint self);

    [LibraryImport(Library)]
    internal static partial int wt_reciprocal_(nint self);

    [LibraryImport(Library)]
    internal static partial nint wt_clamp(nint self, Scalar* min, Scalar* max);

    [LibraryImport(Library)]
    internal static partial int wt_clamp_(nint self, Scalar* min, Scalar* max);

    [LibraryImport(Library)]
    internal static partial nint wt_lerp(nint self, nint end, Scalar weight);

    [LibraryImport(Library)]
    internal static partial nint wt_where(nint condition, nint self, nint other);

    [LibraryImport(Library)]
    internal static partial nint wt_where_scalar(nint condition, nint self, Scalar other);

    [LibraryImport(Library)]
    internal static partial nint wt_masked_fill(nint self, nint mask, Scalar value);

    [LibraryImport(Library)]
    internal static partial int wt_masked_fill_(nint self, nint mask, Scalar value);

    [LibraryImport(Library)]
    internal static partial int wt_fill_(nint self, Scalar value);

    [LibraryImport(Library)]
    internal static partial int wt_zero_(nint self);

    [LibraryImport(Library)]
    internal static partial nint wt_isclose(nint self, nint other, double rtol, double atol, int equalNan);
}
