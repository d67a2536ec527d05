using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Models.Ltx2;

/// <summary>
/// diffusers LTX2Attention with LTX2AudioVideoAttnProcessor (transformer_ltx2.py): to_q/to_k/to_v, an RMS norm of the
/// queries and of the keys across all heads (norm_q, norm_k, affine), RoPE on both when given, scaled dot-product
/// attention, the optional per-head gate 2·sigmoid(to_gate_logits(x)) on the output, to_out.0 (slot 1 is dropout).
/// Self-attention may also attend to a <see cref="KvPrefix"/> and hand back its keys before or after RoPE, as
/// SANA-WM's refiner does (refiner.py @ b9fd857, _streaming_self_attention).
/// </summary>
public sealed class LTX2Attention : Module
{
    private readonly Linear _toQ, _toK, _toV, _toOut;
    private readonly RMSNorm _normQ, _normK;
    private readonly Linear? _toGateLogits;
    private readonly int _heads;

    public LTX2Attention(int queryDim, int heads, int dimHead, int? crossAttentionDim, LTX2VideoTransformerConfig config)
    {
        int inner = heads * dimHead, kv = crossAttentionDim ?? queryDim;
        _heads = heads;
        // Upstream builds these norms with LTX2Attention's own eps and affine defaults (1e-6, with weights), not the block's.
        _normQ = Register("norm_q", new RMSNorm(inner, eps: 1e-6));
        _normK = Register("norm_k", new RMSNorm(inner, eps: 1e-6));
        _toQ = Register("to_q", new Linear(queryDim, inner, bias: config.AttentionBias));
        _toK = Register("to_k", new Linear(kv, inner, bias: config.AttentionBias));
        _toV = Register("to_v", new Linear(kv, inner, bias: config.AttentionBias));
        _toOut = Register("to_out", new ModuleList<Linear>()).Add(new Linear(inner, queryDim, bias: config.AttentionOutBias));
        if (config.GatedAttn)
            _toGateLogits = Register("to_gate_logits", new Linear(queryDim, heads));
    }

    /// <summary>Cross-attention to <paramref name="context"/> [B, L, D] with an additive <paramref name="mask"/> [B, 1, 1, L] (or none); no RoPE.</summary>
    public Tensor Forward(Tensor hiddenStates, Tensor context, Tensor? mask)
    {
        using var scope = torch.NewDisposeScope();
        var query = _normQ.Forward(_toQ.Forward(hiddenStates));
        var key = _normK.Forward(_toK.Forward(context));
        return Output(hiddenStates, query, key, _toV.Forward(context), mask).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Self-attention with RoPE at the tokens' positions, attending to <paramref name="prefix"/> first when given; hands
    /// back this layer's keys and values as <paramref name="capture"/> asks (null for <see cref="KeyCapture.None"/>).
    /// </summary>
    public (Tensor Output, CapturedKv? Captured) Forward(Tensor hiddenStates, RotaryEmbedding rope, KvPrefix? prefix, KeyCapture capture)
    {
        using var scope = torch.NewDisposeScope();
        var query = rope.Apply(_normQ.Forward(_toQ.Forward(hiddenStates)));
        var keyBeforeRope = _normK.Forward(_toK.Forward(hiddenStates));
        var key = rope.Apply(keyBeforeRope);
        var value = _toV.Forward(hiddenStates);
        var captured = capture switch
        {
            KeyCapture.BeforeRope => new CapturedKv(keyBeforeRope, value).MoveToOuterDisposeScope(),
            KeyCapture.AfterRope => new CapturedKv(key, value).MoveToOuterDisposeScope(),
            _ => null,
        };
        if (prefix is not null)
            (key, value) = WithPrefix(prefix, key, value);
        return (Output(hiddenStates, query, key, value, null).MoveToOuterDisposeScope(), captured);
    }

    /// <summary>[sink keys rotated by the sink's RoPE; history keys; own keys], and the values likewise.</summary>
    private static (Tensor Key, Tensor Value) WithPrefix(KvPrefix prefix, Tensor key, Tensor value)
    {
        var sinkKey = prefix.SinkRope.Apply(prefix.SinkKey.to(key.dtype));
        return prefix.HistoryKey is { } historyKey && prefix.HistoryValue is { } historyValue && historyKey.shape[1] > 0
            ? (torch.cat([sinkKey, historyKey.to(key.dtype), key], dim: 1), torch.cat([prefix.SinkValue.to(value.dtype), historyValue.to(value.dtype), value], dim: 1))
            : (torch.cat([sinkKey, key], dim: 1), torch.cat([prefix.SinkValue.to(value.dtype), value], dim: 1));
    }

    /// <summary>Attention over heads, the gate, to_out.0.</summary>
    private Tensor Output(Tensor hiddenStates, Tensor query, Tensor key, Tensor value, Tensor? mask)
    {
        Tensor Heads(Tensor x) => x.unflatten(2, _heads, -1).transpose(1, 2);
        var attended = F.scaled_dot_product_attention(Heads(query), Heads(key), Heads(value), mask).transpose(1, 2);
        if (_toGateLogits is not null)
            attended = attended * (F.sigmoid(_toGateLogits.Forward(hiddenStates)) * 2.0).unsqueeze(-1);
        return _toOut.Forward(attended.flatten(2).to(query.dtype));
    }
}
