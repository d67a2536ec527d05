using Workflow.NodeSdk.Data;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Sampling.Conds;

/// <summary>
/// ComfyUI's model_conds of one entry, on the model's device: the cross-attention tokens (c_crossattn) and, for
/// networks that take it (SD3), the pooled output (y).
/// </summary>
public sealed record ModelConds(Tensor CrossAttn, Tensor? Pooled);

/// <summary>
/// One conditioning entry as sampling uses it (ComfyUI's cond dict after process_conds): its model conds, its area in
/// latent cells, its weight, its mask at the latent's size, and the σ range it applies in (timestep_start and
/// timestep_end: it is skipped above the first and below the second).
/// </summary>
public sealed record SamplingCond(ModelConds Model, LatentArea? Area, double Strength, Tensor? Mask, double MaskStrength, float? SigmaStart, float? SigmaEnd)
{
    /// <summary>get_area_and_mult's test, in float32 as torch compares σ (a float32 tensor) with a Python float.</summary>
    public bool AppliesAt(float sigma) => !(SigmaStart is float start && sigma > start) && !(SigmaEnd is float end && sigma < end);
}
