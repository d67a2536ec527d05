using Workflow.Torch.Modules;

namespace Workflow.NodeSdk;

/// <summary>
/// A value whose weights live where models run (MODEL, CLIP, VAE...). On a GPU the host keeps such weights within the
/// device memory budget as ComfyUI's model management does: moved to the CPU, least recently used first, when a node
/// needs the room for others, and back to the device before a node that takes the value runs. On the CPU nothing moves.
/// </summary>
public interface IDeviceModel
{
    /// <summary>The modules that own the weights; values that share weights (a patched MODEL and its source) name the same modules.</summary>
    IReadOnlyList<Module> WeightModules { get; }
}
