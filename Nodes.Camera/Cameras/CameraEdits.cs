using Workflow.NodeSdk.Data;

namespace Workflow.Nodes.Camera.Cameras;

using Camera = Workflow.NodeSdk.Data.Camera;

/// <summary>New cameras from old ones; a <see cref="Camera"/> never changes.</summary>
internal static class CameraEdits
{
    public static IReadOnlyList<RigidTransform> Transforms(this Camera camera) => [.. camera.Poses.Select(RigidTransform.Of)];

    public static Camera WithPoses(this Camera camera, IEnumerable<RigidTransform> poses) =>
        new(camera.Convention, poses.Select(p => p.ToPose()), camera.Intrinsics, camera.AppendsReferenceView);

    public static Camera WithIntrinsics(this Camera camera, CameraIntrinsics intrinsics) =>
        new(camera.Convention, camera.Poses, intrinsics, camera.AppendsReferenceView);

    /// <summary>The first <paramref name="count"/> frames, poses and intrinsics alike.</summary>
    public static Camera TakeFrames(this Camera camera, int count) =>
        new(camera.Convention, camera.Poses.Take(count), camera.Intrinsics?.Take(count), camera.AppendsReferenceView);

    /// <summary>
    /// Gives every pose its intrinsics. Per-frame intrinsics longer than the trajectory are cut to it, as SANA-WM's
    /// check_inputs cuts (F', 4) to F; shorter ones are an error.
    /// </summary>
    public static Camera AttachIntrinsics(this Camera camera, CameraIntrinsics? intrinsics)
    {
        if (intrinsics is null)
            return camera;
        if (intrinsics.FrameCount < camera.FrameCount)
            throw new FormatException(
                $"{intrinsics.FrameCount} frames of intrinsics for {camera.FrameCount} poses; give at least {camera.FrameCount} (Intrinsics' num_frames)");
        return camera.WithIntrinsics(intrinsics.Take(camera.FrameCount));
    }
}
