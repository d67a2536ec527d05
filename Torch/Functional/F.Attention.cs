using Workflow.Torch.Interop;

namespace Workflow.Torch;

public static unsafe partial class F
{
    /// <summary>
    /// softmax(query @ key^T * scale + mask) @ value over the last two dimensions. A bool mask marks the positions
    /// that may attend; a float mask is added to the scores. <paramref name="scale"/> defaults to 1/sqrt(E).
    /// Fused on libtorch 2.x; on 1.13 the shim computes the same math PyTorch's fallback does.
    /// </summary>
    public static Tensor scaled_dot_product_attention(Tensor query, Tensor key, Tensor value, Tensor? attn_mask = null,
        double dropout_p = 0.0, bool is_causal = false, double? scale = null)
    {
        if (dropout_p != 0.0)
            throw new ArgumentOutOfRangeException(nameof(dropout_p), dropout_p, "inference only: dropout_p must be 0");
        var scaleValue = scale.GetValueOrDefault();
        return Result(Native.wt_scaled_dot_product_attention(query.Handle, key.Handle, value.Handle, HandleOf(attn_mask),
            is_causal ? 1 : 0, scale.HasValue ? &scaleValue : null), query, key, value, attn_mask);
    }
}
