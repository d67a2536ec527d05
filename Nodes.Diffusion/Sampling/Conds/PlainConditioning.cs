using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;

namespace Workflow.Nodes.Diffusion.Sampling.Conds;

/// <summary>
/// The refusal of samplers that take one plain prompt (diffusers' pipelines, the multi-view and AR loops): combined,
/// area, mask, strength and step-range conditioning is honoured only by KSampler's guidance.
/// </summary>
public static class PlainConditioning
{
    public static void Require(Conditioning conditioning, string input, string sampler)
    {
        if (conditioning.Entries.Count != 1)
            throw new InputException(input, $"{conditioning.Entries.Count} conditioning entries",
                $"{sampler} takes one prompt; combined conditioning (ConditioningCombine) is sampled by KSampler");
        if (!conditioning.Entries[0].IsPlain)
            throw new InputException(input, "a conditioning with an area, mask, strength or step range",
                $"{sampler} takes a plain prompt; the ConditioningSet* options are sampled by KSampler");
    }
}
