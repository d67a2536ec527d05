using Workflow.NodeSdk;

namespace Workflow.Nodes.Diffusion.Patching;

/// <summary>
/// A change to how a MODEL's network runs, layered on weights other MODELs share (ComfyUI's ModelPatcher patches):
/// patching returns a new MODEL and leaves the one it came from as it was.
/// </summary>
public interface IModelPatch : IDisposable, IMemoryFootprint
{
    /// <summary>
    /// What this patch adds to cross-attention layer <paramref name="layer"/> (upstream's registration order: down,
    /// up, then mid blocks) in <paramref name="call"/>, or null where it does not act.
    /// </summary>
    ICrossAttentionTerm? CrossAttentionTerm(int layer, UNetCall call);
}
