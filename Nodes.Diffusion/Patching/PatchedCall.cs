using Workflow.Nodes.Diffusion.Models.Common;

namespace Workflow.Nodes.Diffusion.Patching;

/// <summary>A MODEL's patches applied to one network call: each cross-attention layer some patch acts on gets the decoupled math.</summary>
internal sealed class PatchedCall(IReadOnlyDictionary<Attention, int> crossAttentionLayers, IReadOnlyList<IModelPatch> patches, UNetCall call) : IAttentionPatch
{
    public IAttentionProcessor? ProcessorFor(Attention attention)
    {
        if (!crossAttentionLayers.TryGetValue(attention, out var layer))
            return null;
        var terms = patches.Select(p => p.CrossAttentionTerm(layer, call)).OfType<ICrossAttentionTerm>().ToList();
        return terms.Count == 0 ? null : new DecoupledCrossAttention(terms);
    }
}
