using Workflow.NodeSdk.Data;

namespace Workflow.Nodes.Diffusion.Patching;

/// <summary>
/// A LoRA applied to a MODEL or a CLIP at one strength: the deltas of the layers it addresses, added to the shared
/// weights whenever the network runs. It owns its factors; its memory footprint is theirs, the base weights are
/// counted where they were loaded.
/// </summary>
public sealed class LoraPatch(IReadOnlyList<WeightDelta> deltas) : IModelPatch, IWeightPatch
{
    public IReadOnlyList<WeightDelta> Deltas { get; } = deltas;

    public long HostBytes => Deltas.Sum(d => TensorMemory.HostBytes(d.Up, d.Down));

    public long DeviceBytes => Deltas.Sum(d => TensorMemory.DeviceBytes(d.Up, d.Down));

    /// <summary>A LoRA changes weights, not attention.</summary>
    public ICrossAttentionTerm? CrossAttentionTerm(int layer, UNetCall call) => null;

    public void Dispose()
    {
        foreach (var delta in Deltas)
        {
            delta.Up.Dispose();
            delta.Down.Dispose();
        }
    }

}
