using Workflow.Nodes.Diffusion.Sampling.Conds;
using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Nodes;

/// <summary>
/// ComfyUI's LatentFromBatch (nodes.py): <c>length</c> latents from <c>batch_index</c> (negative counts from the end;
/// both clamped to the batch). Each keeps its noise: the batch indices are the positions taken (or the slice of the
/// latent's own), so sampling them alone draws what sampling the whole batch would. A one-item noise mask is kept, a
/// batch of them sliced alike (cycled to the batch first).
/// </summary>
[Node("LatentFromBatch", DisplayName = "Get Latent From Batch", Category = "latent/batch",
      Description = "Takes a run of latents out of a batch, keeping the noise each would get in the batch.")]
public sealed class LatentFromBatch : INode
{
    public Latent Execute(
        [Input(Tooltip = "The batch of latents.")] Latent samples,
        [Int(Min = -WidgetLimits.MaxResolution, Max = WidgetLimits.MaxResolution), Input(Tooltip = "The first latent to take; negative counts from the end.")] int batchIndex = 0,
        [Int(Min = 1, Max = 64), Input(Tooltip = "How many latents to take.")] int length = 1)
    {
        using var scope = torch.NewDisposeScope();
        int count = (int)samples.Samples.shape[0];
        int first = Math.Clamp(batchIndex < 0 ? batchIndex + count : batchIndex, 0, count - 1);
        int taken = Math.Min(count - first, length);
        var picked = samples.Samples.narrow(0, first, taken).clone();
        var indices = samples.BatchIndex is { } own ? own.Skip(first).Take(taken).ToList() : Enumerable.Range(first, taken).ToList();
        return new Latent(picked.DetachFromDisposeScope(), Mask(samples.NoiseMask, count, first, taken)?.DetachFromDisposeScope(), indices);
    }

    private static Tensor? Mask(Tensor? masks, int count, int first, int taken)
    {
        if (masks is null)
            return null;
        if (masks.shape[0] == 1)
            return masks.clone();
        using var cycled = masks.shape[0] < count ? AreaAndMult.RepeatToBatch(masks, count) : masks.alias();
        return cycled.slice(0, first, first + taken).clone();
    }
}
