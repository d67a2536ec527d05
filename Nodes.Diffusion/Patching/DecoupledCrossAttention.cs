using Workflow.Nodes.Diffusion.Models.Common;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Patching;

/// <summary>
/// Cross-attention to the text plus each patch's extra term from the same queries (diffusers' IPAdapterAttnProcessor:
/// softmax(q·kᵀ)·v + Σ scaleᵢ·softmax(q·k_ipᵢᵀ)·v_ipᵢ, then to_out).
/// </summary>
internal sealed class DecoupledCrossAttention(IReadOnlyList<ICrossAttentionTerm> terms) : IAttentionProcessor
{
    public Tensor Attend(Attention attention, Tensor hiddenStates, Tensor context)
    {
        using var scope = torch.NewDisposeScope();
        var query = ClassicAttentionProcessor.HeadsToBatch(attention.ToQ.Forward(hiddenStates), attention.Heads);
        var key = ClassicAttentionProcessor.HeadsToBatch(attention.ToK.Forward(context), attention.Heads);
        var value = ClassicAttentionProcessor.HeadsToBatch(attention.ToV.Forward(context), attention.Heads);
        var output = ClassicAttentionProcessor.BatchToHeads(ClassicAttentionProcessor.AttendHeads(attention, query, key, value), attention.Heads);
        foreach (var term in terms)
            output = output + term.Attend(attention, query);
        return output.MoveToOuterDisposeScope();
    }
}
