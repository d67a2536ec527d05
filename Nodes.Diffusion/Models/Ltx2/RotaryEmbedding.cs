using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Models.Ltx2;

/// <summary>
/// RoPE's cosines and sines for a set of tokens, in the layout its <see cref="Type"/> applies: interleaved
/// [B, N, inner_dim], split [B, heads, N, head_dim / 2]. Owns both tensors.
/// </summary>
public sealed record RotaryEmbedding(Tensor Cos, Tensor Sin, LTX2RopeType Type) : IDisposable
{
    /// <summary>Rotates the channels of <paramref name="x"/> [B, N, inner_dim] (a query or a key) by this embedding.</summary>
    public Tensor Apply(Tensor x) => Type == LTX2RopeType.Interleaved ? ApplyInterleaved(x) : ApplySplit(x);

    /// <summary>apply_interleaved_rotary_emb: pairs (2i, 2i+1) rotate as complex numbers, computed in float32.</summary>
    private Tensor ApplyInterleaved(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        var parts = x.unflatten(2, -1, 2).unbind(-1);
        var rotated = torch.stack([-parts[1], parts[0]], dim: -1).flatten(2);
        var output = x.@float() * Cos + rotated.@float() * Sin;
        return output.to(x.dtype).MoveToOuterDisposeScope();
    }

    /// <summary>apply_split_rotary_emb: within each head the first half pairs with the second, computed in float32.</summary>
    private Tensor ApplySplit(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        var (b, heads, t, r) = (Cos.shape[0], Cos.shape[1], Cos.shape[2], Cos.shape[3]);
        var halves = x.reshape(b, t, heads, 2, r).permute(0, 2, 1, 3, 4).@float().unbind(3);
        var first = halves[0] * Cos - Sin * halves[1];
        var second = halves[1] * Cos + Sin * halves[0];
        var output = torch.stack([first, second], dim: 3).permute(0, 2, 1, 3, 4).reshape(b, t, -1);
        return output.to(x.dtype).MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        Cos.Dispose();
        Sin.Dispose();
    }
}
