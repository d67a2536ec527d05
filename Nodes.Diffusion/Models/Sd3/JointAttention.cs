using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Models.Sd3;

/// <summary>
/// diffusers Attention with JointAttnProcessor2_0 (v0.31 models/attention_processor.py) as the MM-DiT's blocks use
/// it. The image stream projects with to_q/to_k/to_v, the text stream with add_q_proj/add_k_proj/add_v_proj (all with
/// biases); SD3.5 RMS-normalizes each head's q and k (norm_q, norm_k, norm_added_q, norm_added_k). One attention runs
/// over [image ; text] tokens, scale 1/√head_dim, no mask; the result is split back, through to_out.0 and, unless
/// the block is the last (context_pre_only), to_add_out. Without a text stream (SD3.5's attn2) it is self-attention.
/// </summary>
public sealed class JointAttention : Module
{
    private readonly Linear _toQ, _toK, _toV, _toOut;
    private readonly Linear? _addQ, _addK, _addV, _toAddOut;
    private readonly RMSNorm? _normQ, _normK, _normAddedQ, _normAddedK;
    private readonly int _heads, _headDim;

    /// <param name="withContext">Projections for the text stream (the joint attention; SD3.5's attn2 has none).</param>
    /// <param name="contextOutput">to_add_out for the text stream's result (all blocks but the last).</param>
    public JointAttention(Sd3TransformerConfig config, bool withContext, bool contextOutput)
    {
        (_heads, _headDim) = (config.NumAttentionHeads, config.AttentionHeadDim);
        int dim = config.InnerDim;
        bool qkNorm = config.QkNorm == "rms_norm";
        if (qkNorm)
        {
            _normQ = Register("norm_q", new RMSNorm(_headDim, 1e-6));
            _normK = Register("norm_k", new RMSNorm(_headDim, 1e-6));
        }
        _toQ = Register("to_q", new Linear(dim, dim));
        _toK = Register("to_k", new Linear(dim, dim));
        _toV = Register("to_v", new Linear(dim, dim));
        if (withContext)
        {
            _addK = Register("add_k_proj", new Linear(dim, dim));
            _addV = Register("add_v_proj", new Linear(dim, dim));
            _addQ = Register("add_q_proj", new Linear(dim, dim));
            if (qkNorm)
            {
                _normAddedQ = Register("norm_added_q", new RMSNorm(_headDim, 1e-6));
                _normAddedK = Register("norm_added_k", new RMSNorm(_headDim, 1e-6));
            }
        }
        _toOut = Register("to_out", new ModuleList<Linear>()).Add(new Linear(dim, dim));
        if (withContext && contextOutput)
            _toAddOut = Register("to_add_out", new Linear(dim, dim));
    }

    /// <summary>The image stream's result and, with a text stream, the text stream's (before to_add_out in the last block, which discards it).</summary>
    public (Tensor Image, Tensor? Text) Forward(Tensor image, Tensor? text = null)
    {
        using var scope = torch.NewDisposeScope();
        long b = image.shape[0], imageTokens = image.shape[1];
        var q = Heads(_toQ.Forward(image), _normQ);
        var k = Heads(_toK.Forward(image), _normK);
        var v = Heads(_toV.Forward(image), null);
        if (text is not null && _addQ is not null && _addK is not null && _addV is not null)
        {
            q = torch.cat([q, Heads(_addQ.Forward(text), _normAddedQ)], dim: 2);
            k = torch.cat([k, Heads(_addK.Forward(text), _normAddedK)], dim: 2);
            v = torch.cat([v, Heads(_addV.Forward(text), null)], dim: 2);
        }
        var attended = F.scaled_dot_product_attention(q, k, v, scale: 1.0 / Math.Sqrt(_headDim)).transpose(1, 2).reshape(b, -1, _heads * _headDim);
        var imageOut = _toOut.Forward(attended.narrow(1, 0, imageTokens));
        if (text is null)
            return (imageOut.MoveToOuterDisposeScope(), null);
        var textOut = attended.narrow(1, imageTokens, attended.shape[1] - imageTokens);
        textOut = _toAddOut?.Forward(textOut) ?? textOut;
        return (imageOut.MoveToOuterDisposeScope(), textOut.MoveToOuterDisposeScope());
    }

    /// <summary>[B, T, heads·d] → [B, heads, T, d], each head's vector RMS-normalized when the model has qk-norm.</summary>
    private Tensor Heads(Tensor x, RMSNorm? norm)
    {
        var heads = x.view(x.shape[0], -1, _heads, _headDim).transpose(1, 2);
        return norm?.Forward(heads) ?? heads;
    }
}
