using Workflow.Nodes.Diffusion.Patching;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Models;

/// <summary>
/// A network conditioned on a pooled text vector beside the token sequence (SD3's MM-DiT: ComfyUI's <c>y</c>, diffusers'
/// pooled_projections). Samplers pass the CONDITIONING's pooled outputs to it; called without them it fails.
/// </summary>
public interface IPooledTextNetwork : IDenoisingNetwork
{
    /// <summary>The prediction for <paramref name="sample"/> at <paramref name="timestep"/> given the tokens and the pooled vectors [B, D'].</summary>
    Tensor Forward(Tensor sample, Tensor timestep, Tensor context, Tensor pooled, PatchedCall? patches = null);
}
