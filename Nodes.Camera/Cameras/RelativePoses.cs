namespace Workflow.Nodes.Camera.Cameras;

/// <summary>
/// Poses relative to the first: P₀ = I, Pᵢ = inv(c2w₀)·c2wᵢ with the closed-form rigid inverse
/// (diffusers PR #13881 cam_utils.prepare_camera, get_pose_inverse). The world becomes the first camera's frame.
/// </summary>
internal static class RelativePoses
{
    public static IReadOnlyList<RigidTransform> ToFirst(IReadOnlyList<RigidTransform> poses)
    {
        var firstInverse = poses[0].Inverse();
        return [RigidTransform.Identity, .. poses.Skip(1).Select(firstInverse.Then)];
    }
}
