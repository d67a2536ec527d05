using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Models.T5;

/// <summary>
/// T5's bidirectional relative position buckets (transformers T5Attention._relative_position_bucket): half the
/// buckets for keys before the query, half after; within each half, exact distances below half of it, then
/// logarithmic bins up to max_distance. Computed with libtorch's float32 log as upstream does, so bin edges agree.
/// </summary>
internal static class T5RelativePosition
{
    /// <summary>[queries, keys] bucket indices for memory − context positions.</summary>
    public static Tensor Buckets(long queries, long keys, int numBuckets, int maxDistance, Device device)
    {
        using var scope = torch.NewDisposeScope();
        var context = torch.arange(queries, dtype: torch.int64, device: device).unsqueeze(1);
        var memory = torch.arange(keys, dtype: torch.int64, device: device).unsqueeze(0);
        var relative = memory - context;
        int half = numBuckets / 2, maxExact = half / 2;
        var buckets = relative.gt(0).to(torch.int64) * half;
        var distance = relative.abs();
        var logarithmic = (torch.log(distance.to(torch.float32) / maxExact) / Math.Log((double)maxDistance / maxExact) * (half - maxExact)).to(torch.int64) + maxExact;
        logarithmic = logarithmic.clamp_max(half - 1);
        return (buckets + torch.where(distance.lt(maxExact), distance, logarithmic)).MoveToOuterDisposeScope();
    }
}
