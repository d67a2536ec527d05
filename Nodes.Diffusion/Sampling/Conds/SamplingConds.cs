using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Sampling.Conds;

/// <summary>Both prompts' entries ready for sampling (ComfyUI's conds["positive"] and conds["negative"]), owning the tensors made for them.</summary>
public sealed class SamplingConds(IReadOnlyList<SamplingCond> positive, IReadOnlyList<SamplingCond> negative, IReadOnlyList<Tensor> owned) : IDisposable
{
    public IReadOnlyList<SamplingCond> Positive { get; } = positive;

    public IReadOnlyList<SamplingCond> Negative { get; } = negative;

    public void Dispose()
    {
        foreach (var tensor in owned)
            tensor.Dispose();
    }
}
