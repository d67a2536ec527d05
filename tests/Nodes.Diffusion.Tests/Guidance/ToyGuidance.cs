using Workflow.Nodes.Diffusion.Sampling;
using Workflow.Nodes.Diffusion.Sampling.Conds;
using Workflow.NodeSdk.Data;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Tests.Guidance;

/// <summary>
/// A toy denoiser for guidance tests: each row's estimate is x/2 plus the mean of its prompt's tokens, so an entry
/// made of tokens all equal to v predicts x/2 + v wherever it applies; every call is recorded.
/// </summary>
internal sealed class ToyGuidance
{
    public static readonly ModelSamplingDiscrete ModelSampling = new(DdimSchedulerConfig.StableDiffusion1);

    public List<GuidanceBatch> Calls { get; } = [];

    public Tensor Denoise(GuidanceBatch batch)
    {
        Calls.Add(batch with { Input = batch.Input.clone().DetachFromDisposeScope(), Context = batch.Context.clone().DetachFromDisposeScope(),
            Pooled = batch.Pooled?.clone().DetachFromDisposeScope() });
        return batch.Input * 0.5 + batch.Context.mean([1, 2]).view(-1, 1, 1, 1);
    }

    /// <summary>A one-entry conditioning of <paramref name="tokens"/> tokens, all equal to <paramref name="value"/>.</summary>
    public static ConditioningEntry Entry(double value, int tokens = 3) => new(torch.full([1, tokens, 4], value), null);

    public static CondSetup Setup(long[] latentShape) => new(latentShape, Device.CPU, ModelSampling, TakesPooled: false);
}
