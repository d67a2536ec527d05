using Workflow.NodeSdk;

namespace Workflow.Nodes.Diffusion.Patching;

/// <summary>
/// A patch that changes weights (ComfyUI's add_patches): the changes are added to the shared weights when the network
/// runs (<see cref="PatchedWeights"/>), never written into them.
/// </summary>
public interface IWeightPatch : IDisposable, IMemoryFootprint
{
    IReadOnlyList<WeightDelta> Deltas { get; }
}
