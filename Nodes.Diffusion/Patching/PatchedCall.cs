using Workflow.Nodes.Diffusion.Models.Common;

namespace Workflow.Nodes.Diffusion.Patching;

/// <summary>
/// A MODEL's patches applied to one network call: each cross-attention layer some patch acts on gets the decoupled
/// math, and a network finds the patches that carry conditioning for it (<see cref="Of{T}"/>).
/// </summary>
public sealed class PatchedCall(IReadOnlyList<Attention> crossAttentionLayers, IReadOnlyList<IModelPatch> patches, UNetCall call) : IAttentionPatch
{
    private readonly Dictionary<Attention, int> _layers = crossAttentionLayers.Select((layer, index) => (layer, index)).ToDictionary(p => p.layer, p => p.index);

    public UNetCall Call => call;

    /// <summary>The patches of type <typeparamref name="T"/>, in the order they were applied.</summary>
    public IEnumerable<T> Of<T>() where T : IModelPatch => patches.OfType<T>();

    public IAttentionProcessor? ProcessorFor(Attention attention)
    {
        if (!_layers.TryGetValue(attention, out var layer))
            return null;
        var terms = patches.Select(p => p.CrossAttentionTerm(layer, call)).OfType<ICrossAttentionTerm>().ToList();
        return terms.Count == 0 ? null : new DecoupledCrossAttention(terms);
    }
}
