using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Models.Ltx2;

/// <summary>Which of its own keys (with the values) each self-attention layer hands back from a forward.</summary>
public enum KeyCapture
{
    None,

    /// <summary>After norm_k, before RoPE: a sink's keys, rotated again at each window's offset.</summary>
    BeforeRope,

    /// <summary>After norm_k and RoPE: history, kept at the absolute positions it was computed at.</summary>
    AfterRope,
}

/// <summary>
/// What one self-attention layer attends to before its own tokens (SANA-WM's "rf_shifted_sink" prefix, refiner.py @
/// b9fd857): the sink's keys from before RoPE, rotated here by <see cref="SinkRope"/>, and its values; then the
/// history's keys (already rotated) and values. Keys and values are [B, tokens, inner_dim]. Borrowed, not owned.
/// </summary>
public sealed record KvPrefix(Tensor SinkKey, Tensor SinkValue, RotaryEmbedding SinkRope, Tensor? HistoryKey, Tensor? HistoryValue);

/// <summary>A layer's keys and values [B, tokens, inner_dim] handed back by a forward; owns both.</summary>
public sealed record CapturedKv(Tensor Key, Tensor Value) : IDisposable
{
    /// <summary>Moves both tensors to the dispose scope outside the current one; returns this.</summary>
    public CapturedKv MoveToOuterDisposeScope()
    {
        Key.MoveToOuterDisposeScope();
        Value.MoveToOuterDisposeScope();
        return this;
    }

    public void Dispose()
    {
        Key.Dispose();
        Value.Dispose();
    }
}

/// <summary>
/// How a forward's self-attention reaches past the tokens it is given: per layer, a K/V prefix (or none), and which
/// keys every layer hands back.
/// </summary>
public sealed record SelfAttentionWindow(IReadOnlyList<KvPrefix>? Prefixes, KeyCapture Capture)
{
    public static SelfAttentionWindow None { get; } = new(null, KeyCapture.None);

    public KvPrefix? PrefixFor(int layer) => Prefixes?[layer];
}
