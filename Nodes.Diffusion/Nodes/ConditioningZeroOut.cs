using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Nodes;

/// <summary>ComfyUI's ConditioningZeroOut (nodes.py): every entry's tokens and pooled output as zeros, its options kept.</summary>
[Node("ConditioningZeroOut", Category = "advanced/conditioning",
      Description = "Replaces the tokens and pooled outputs with zeros (an empty negative for models trained with one).")]
public sealed class ConditioningZeroOut : INode
{
    public Conditioning Execute(Conditioning conditioning) =>
        new([.. conditioning.Entries.Select(entry => entry.Share(embeddings: torch.zeros_like(entry.Embeddings),
            pooled: entry.Pooled is null ? null : torch.zeros_like(entry.Pooled)))]);
}
