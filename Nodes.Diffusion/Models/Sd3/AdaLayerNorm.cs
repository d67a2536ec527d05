using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Models.Sd3;

/// <summary>
/// diffusers' adaptive layer norms of the MM-DiT (v0.31 models/normalization.py): linear(silu(c)) gives per-sample
/// modulation; the norm is LayerNorm without affine, eps 1e-6, then ·(1 + scale) + shift.
/// </summary>
internal static class Modulation
{
    /// <summary>LN(x)·(1 + scale) + shift, with scale and shift [B, D] broadcast over the tokens.</summary>
    public static Tensor Apply(Tensor normalized, Tensor shift, Tensor scale)
    {
        using var scaleTokens = scale.unsqueeze(1);
        using var factor = scaleTokens + 1;
        using var shifted = normalized * factor;
        using var shiftTokens = shift.unsqueeze(1);
        return shifted + shiftTokens;
    }

    public static Tensor LayerNorm(Tensor x) => F.layer_norm(x, [x.shape[^1]], eps: 1e-6);
}

/// <summary>
/// AdaLayerNormZero (6 chunks: shift, scale, gate for attention, then for the MLP) and SD3.5's SD35AdaLayerNormZeroX
/// (9: the same, then shift, scale, gate of the second, image-only attention). Keys: linear.
/// </summary>
public sealed class AdaLayerNormZero : Module
{
    private readonly Linear _linear;
    private readonly int _chunks;

    public AdaLayerNormZero(int dim, bool dualAttention)
    {
        _chunks = dualAttention ? 9 : 6;
        _linear = Register("linear", new Linear(dim, _chunks * dim));
    }

    /// <summary>The modulation of this block for conditioning <paramref name="c"/> [B, D]: <see cref="_chunks"/> tensors [B, D].</summary>
    public Tensor[] Parameters(Tensor c)
    {
        using var activated = F.silu(c);
        using var emb = _linear.Forward(activated);
        return emb.chunk(_chunks, dim: 1);
    }
}

/// <summary>AdaLayerNormContinuous: linear(silu(c)) chunked as (scale, shift), in diffusers' order. Keys: linear.</summary>
public sealed class AdaLayerNormContinuous : Module
{
    private readonly Linear _linear;

    public AdaLayerNormContinuous(int dim) => _linear = Register("linear", new Linear(dim, 2 * dim));

    public Tensor Forward(Tensor x, Tensor c)
    {
        using var scope = torch.NewDisposeScope();
        var chunks = _linear.Forward(F.silu(c)).chunk(2, dim: 1);
        return Modulation.Apply(Modulation.LayerNorm(x), shift: chunks[1], scale: chunks[0]).MoveToOuterDisposeScope();
    }
}
