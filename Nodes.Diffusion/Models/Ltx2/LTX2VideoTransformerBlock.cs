using Workflow.Nodes.Diffusion.Models.Common;
using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Models.Ltx2;

/// <summary>
/// diffusers LTX2VideoTransformerBlock (transformer_ltx2.py), video stream only, as SANA-WM's refiner runs it
/// (refiner.py @ b9fd857, _forward_video_block): AdaLN-modulated self-attention with a gated residual, cross-attention
/// to the prompt, AdaLN-modulated feed-forward with a gated residual. The six modulation vectors are the block's
/// scale_shift_table plus the timestep's. The audio stream's modules (audio_*, audio_to_video_*, video_to_audio_*) are
/// not built; a checkpoint's weights for them are skipped.
/// </summary>
public sealed class LTX2VideoTransformerBlock : Module
{
    private const int ModulationParams = 6;
    private readonly RMSNorm _norm1, _norm2, _norm3;
    private readonly LTX2Attention _attn1, _attn2;
    private readonly GeluFeedForward _ff;
    private readonly Tensor _scaleShiftTable;

    public LTX2VideoTransformerBlock(LTX2VideoTransformerConfig config)
    {
        int dim = config.InnerDim;
        _norm1 = Register("norm1", new RMSNorm(dim, config.NormEps, config.NormElementwiseAffine));
        _attn1 = Register("attn1", new LTX2Attention(dim, config.NumAttentionHeads, config.AttentionHeadDim, null, config));
        _norm2 = Register("norm2", new RMSNorm(dim, config.NormEps, config.NormElementwiseAffine));
        _attn2 = Register("attn2", new LTX2Attention(dim, config.NumAttentionHeads, config.AttentionHeadDim, config.CrossAttentionDim, config));
        _norm3 = Register("norm3", new RMSNorm(dim, config.NormEps, config.NormElementwiseAffine));
        _ff = Register("ff", new GeluFeedForward(dim, config.FfBias));
        _scaleShiftTable = Parameter("scale_shift_table", ModulationParams, dim);
    }

    /// <param name="hiddenStates">[B, N, dim] video tokens.</param>
    /// <param name="encoderHiddenStates">[B, L, dim] projected prompt.</param>
    /// <param name="temb">[B, N or 1, 6·dim] the timestep's modulation (one row broadcasts over all tokens).</param>
    /// <param name="encoderAttentionMask">[B, 1, 1, L] additive prompt mask, or null.</param>
    public (Tensor HiddenStates, CapturedKv? Captured) Forward(Tensor hiddenStates, Tensor encoderHiddenStates, Tensor temb,
        Tensor? encoderAttentionMask, RotaryEmbedding rope, KvPrefix? prefix, KeyCapture capture)
    {
        using var scope = torch.NewDisposeScope();
        var ada = _scaleShiftTable.to(temb.device).view(1, 1, ModulationParams, -1) + temb.reshape(temb.shape[0], temb.shape[1], ModulationParams, -1);
        var p = ada.unbind(2);
        var (shiftMsa, scaleMsa, gateMsa, shiftMlp, scaleMlp, gateMlp) = (p[0], p[1], p[2], p[3], p[4], p[5]);

        // 1. Self-attention (with the window's prefix).
        var normHidden = _norm1.Forward(hiddenStates) * (1 + scaleMsa) + shiftMsa;
        var (attended, captured) = _attn1.Forward(normHidden, rope, prefix, capture);
        hiddenStates = hiddenStates + attended * gateMsa;

        // 2. Cross-attention to the prompt.
        hiddenStates = hiddenStates + _attn2.Forward(_norm2.Forward(hiddenStates), encoderHiddenStates, encoderAttentionMask);

        // 3. Feed-forward.
        normHidden = _norm3.Forward(hiddenStates) * (1 + scaleMlp) + shiftMlp;
        hiddenStates = hiddenStates + _ff.Forward(normHidden) * gateMlp;
        return (hiddenStates.MoveToOuterDisposeScope(), captured?.MoveToOuterDisposeScope());
    }
}
