using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Sampling.Conds;

/// <summary>
/// One network call of guidance: the latents (cut to an area where the entries have one), their tokens and pooled
/// outputs, and which rows belong to the negative prompt (patches such as IP-Adapter use other image tokens there).
/// </summary>
public sealed record GuidanceBatch(Tensor Input, Tensor Context, Tensor? Pooled, IReadOnlyList<bool> UnconditionalRows);
