using Workflow.NodeSdk.Data;

namespace Workflow.Nodes.Camera.Cameras;

/// <summary>
/// The intrinsics shapes SANA-WM accepts, in original-image pixels (diffusers PR #13881 @ b9fd857,
/// SanaWMPipeline.check_inputs): (4,) [fx, fy, cx, cy] and (3, 3) K are repeated for every frame; (F', 4) and
/// (F', 3, 3) give one per frame and are cut to the first F. K's skew K[0, 1] is ignored, as upstream ignores it.
/// Fixed upstream choice: fewer than F per-frame values is an error (NVlabs/Sana resamples them in time instead).
/// </summary>
internal static class IntrinsicsForms
{
    public static IReadOnlyList<PinholeIntrinsics> Resolve(NumericArray values, int frames)
    {
        var v = values.Values;
        if (values.HasShape(4))
            return Repeat(new PinholeIntrinsics(v[0], v[1], v[2], v[3]), frames);
        if (values.HasShape(3, 3))
            return Repeat(FromK(v, 0), frames);
        if (values.Rank == 2 && values.Shape[1] == 4 && values.Shape[0] >= frames)
            return [.. Enumerable.Range(0, frames).Select(f => new PinholeIntrinsics(v[4 * f], v[4 * f + 1], v[4 * f + 2], v[4 * f + 3]))];
        if (values.Rank == 3 && values.Shape[1] == 3 && values.Shape[2] == 3 && values.Shape[0] >= frames)
            return [.. Enumerable.Range(0, frames).Select(f => FromK(v, 9 * f))];
        throw new FormatException(
            $"`intrinsics` must be `(4,)`, `(F>={frames}, 4)`, `(3, 3)`, or `(F>={frames}, 3, 3)`; got shape {values.ShapeText}.");
    }

    /// <summary>[K00, K11, K02, K12] of the row-major K starting at <paramref name="offset"/>.</summary>
    private static PinholeIntrinsics FromK(double[] v, int offset) => new(v[offset], v[offset + 4], v[offset + 2], v[offset + 5]);

    private static PinholeIntrinsics[] Repeat(PinholeIntrinsics k, int frames) => [.. Enumerable.Repeat(k, frames)];
}
