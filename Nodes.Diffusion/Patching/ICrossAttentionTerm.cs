using Workflow.Nodes.Diffusion.Models.Common;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Patching;

/// <summary>An extra attention a patch adds to a cross-attention layer, from the layer's own queries (decoupled cross-attention).</summary>
public interface ICrossAttentionTerm
{
    /// <summary>The term for head-batched <paramref name="query"/> [B·H, T, D], as [B, T, H·D] ready to add before to_out.</summary>
    Tensor Attend(Attention attention, Tensor query);
}
