using Workflow.Nodes.Diffusion.Models.Common;
using Workflow.Nodes.Diffusion.Patching;
using Workflow.Torch;
using Workflow.Torch.Modules;

namespace Workflow.Nodes.Diffusion.Models;

/// <summary>
/// The network a MODEL wraps (diffusers' UNet2DConditionModel; MVDream's MultiViewUNetModel): one prediction for a
/// batch with the MODEL's patches applied to the call, and the cross-attention layers patches address by index
/// (upstream's registration order, as IP-Adapter numbers them).
/// </summary>
public interface IDenoisingNetwork : IDisposable
{
    /// <summary>The network's modules: its weights, for moving, counting and saving.</summary>
    Module Module { get; }

    IReadOnlyList<Attention> CrossAttentionLayers { get; }

    /// <summary>
    /// Predicts the noise (or v) of <paramref name="sample"/> at <paramref name="timestep"/> given the text
    /// <paramref name="context"/>. <paramref name="patches"/> may add attention terms or carry conditioning the network
    /// reads itself (a multi-view network's cameras).
    /// </summary>
    Tensor Forward(Tensor sample, Tensor timestep, Tensor context, PatchedCall? patches = null);
}
