namespace Workflow.Nodes.Camera.Cameras;

/// <summary>
/// Video VAEs with temporal compression s take s·k + 1 frames. diffusers PR #13881 cam_utils.snap_num_frames:
/// the nearest such count (a tie goes up), falling back to the one below when an upper bound forbids it; never below 1.
/// </summary>
internal static class FrameCountSnapping
{
    public static int Snap(int frames, int stride, int? upperBound = null)
    {
        if (frames < 1)
            return 1;
        if ((frames - 1) % stride == 0)
            return upperBound is { } bound ? Math.Min(frames, bound) : frames;
        var below = frames - (frames - 1) % stride;
        var above = below + stride;
        var snapped = frames - below < above - frames ? below : above;
        if (upperBound is { } limit && snapped > limit)
            snapped = below;
        return Math.Max(snapped, 1);
    }

    /// <summary>
    /// SanaWMPipeline.check_inputs: a trajectory of <paramref name="available"/> poses asked for
    /// <paramref name="requested"/> frames keeps min(requested, available) snapped, never more than it has.
    /// </summary>
    public static int FramesToKeep(int requested, int available, int stride) =>
        Snap(Math.Min(requested, available), stride, upperBound: available);
}
