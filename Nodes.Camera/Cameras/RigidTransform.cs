using Workflow.NodeSdk.Data;

namespace Workflow.Nodes.Camera.Cameras;

/// <summary>A camera-to-world pose split into rotation and camera centre, for the math; <see cref="CameraPose"/> is what crosses sockets.</summary>
internal readonly record struct RigidTransform(Matrix3 Rotation, Vector3 Translation)
{
    public static RigidTransform Identity => new(Matrix3.Identity, Vector3.Zero);

    public static RigidTransform Of(CameraPose pose) => new(
        new(new(pose[0, 0], pose[0, 1], pose[0, 2]), new(pose[1, 0], pose[1, 1], pose[1, 2]), new(pose[2, 0], pose[2, 1], pose[2, 2])),
        new(pose[0, 3], pose[1, 3], pose[2, 3]));

    public CameraPose ToPose()
    {
        var (r, t) = (Rotation, Translation);
        return new([r.Row0.X, r.Row0.Y, r.Row0.Z, t.X, r.Row1.X, r.Row1.Y, r.Row1.Z, t.Y, r.Row2.X, r.Row2.Y, r.Row2.Z, t.Z, 0, 0, 0, 1]);
    }

    /// <summary>The closed-form inverse of a rigid transform: [Rᵀ | −Rᵀt] (SANA-WM cam_utils.get_pose_inverse).</summary>
    public RigidTransform Inverse()
    {
        var transposed = Rotation.Transpose();
        return new(transposed, -(transposed * Translation));
    }

    /// <summary>this · other, as 4×4 homogeneous matrices.</summary>
    public RigidTransform Then(RigidTransform other) => new(Rotation * other.Rotation, Rotation * other.Translation + Translation);
}
