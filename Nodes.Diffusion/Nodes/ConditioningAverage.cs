using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Nodes;

/// <summary>
/// ComfyUI's ConditioningAverage (nodes.py addWeighted): each entry of <c>conditioning_to</c> becomes
/// to·s + from·(1 − s), with from the first entry of <c>conditioning_from</c> cut or zero-padded to its token count;
/// the pooled outputs are mixed the same way (an entry without one takes from's). Options stay the entry's.
/// </summary>
[Node("ConditioningAverage", Category = "conditioning",
      Description = "Blends each entry of conditioning_to with the first entry of conditioning_from.")]
public sealed class ConditioningAverage : INode
{
    public Conditioning Execute(NodeContext context, Conditioning conditioningTo, Conditioning conditioningFrom,
        [Float(Min = 0.0, Max = 1.0, Step = 0.01)] double conditioningToStrength = 1.0)
    {
        var from = ConditioningFrom.First(context, conditioningFrom, "ConditioningAverage");
        return new([.. conditioningTo.Entries.Select(entry => Blend(entry, from, conditioningToStrength))]);
    }

    private static ConditioningEntry Blend(ConditioningEntry to, ConditioningEntry from, double strength)
    {
        var (embeddings, pooled) = Mix(to, from, strength);
        return to.Share(embeddings: embeddings, pooled: pooled);
    }

    /// <summary>The blended tokens, and the blended pooled output (null where from has none: the entry keeps its own).</summary>
    private static (Tensor Embeddings, Tensor? Pooled) Mix(ConditioningEntry to, ConditioningEntry from, double strength)
    {
        var t1 = to.Embeddings;
        if (from.Embeddings.shape[2] != t1.shape[2])
            throw new InputException("conditioning_from", $"{from.Embeddings.shape[2]} wide", $"conditioning_to is {t1.shape[2]} wide: encode both with the same CLIP");
        using var scope = torch.NewDisposeScope();
        var t0 = from.Embeddings.narrow(1, 0, Math.Min(from.Embeddings.shape[1], t1.shape[1]));
        if (t0.shape[1] < t1.shape[1])
            t0 = torch.cat([t0, torch.zeros([t0.shape[0], t1.shape[1] - t0.shape[1], t1.shape[2]], t0.dtype, t0.device)], dim: 1);
        var blended = t1 * strength + t0 * (1.0 - strength);
        var pooled = from.Pooled is null ? null : (to.Pooled ?? from.Pooled) * strength + from.Pooled * (1.0 - strength);
        return (blended.DetachFromDisposeScope(), pooled?.DetachFromDisposeScope());
    }
}
