using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Sampling.Conds;

/// <summary>What preparing the conds needs to know of a run: the latent's shape, the model's device and sampling, and whether its network takes pooled outputs.</summary>
public sealed record CondSetup(long[] LatentShape, Device Device, IModelSampling Sampling, bool TakesPooled);
