using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Nodes;

/// <summary>
/// ComfyUI's ConditioningConcat (nodes.py): each entry of <c>conditioning_to</c> gets the tokens of the first entry of
/// <c>conditioning_from</c> appended (the token axis grows; pooled output and options stay the first's). Later entries
/// of <c>conditioning_from</c> are ignored, as ComfyUI warns.
/// </summary>
[Node("ConditioningConcat", DisplayName = "Conditioning (Concat)", Category = "conditioning",
      Description = "Appends the tokens of conditioning_from to every entry of conditioning_to.")]
public sealed class ConditioningConcat : INode
{
    public Conditioning Execute(NodeContext context, Conditioning conditioningTo, Conditioning conditioningFrom)
    {
        var from = ConditioningFrom.First(context, conditioningFrom, "ConditioningConcat").Embeddings;
        return new([.. conditioningTo.Entries.Select(entry => entry.Share(embeddings: Append(entry.Embeddings, from)))]);
    }

    private static Tensor Append(Tensor to, Tensor from)
    {
        if (from.shape[0] != to.shape[0] || from.shape[2] != to.shape[2])
            throw new InputException("conditioning_from", $"[{string.Join(", ", from.shape)}]",
                $"its tokens cannot follow conditioning_to's [{string.Join(", ", to.shape)}]: the batch and the width must agree (encode both with the same CLIP)");
        return torch.cat([to, from], dim: 1);
    }
}
