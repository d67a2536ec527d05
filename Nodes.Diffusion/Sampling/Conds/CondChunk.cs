using Workflow.NodeSdk.Data;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Sampling.Conds;

/// <summary>
/// What one entry contributes at one step (ComfyUI's cond_obj from get_area_and_mult): the latent cut to its area, the
/// weights of its prediction there, its model conds repeated to the batch, its (clamped) area, and its prompt (0 the
/// positive, 1 the negative).
/// </summary>
public sealed record CondChunk(Tensor InputX, Tensor Mult, ModelConds Conds, LatentArea? Area, int Prompt);
