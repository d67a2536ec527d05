namespace Workflow.Nodes.Camera.Cameras;

/// <summary>
/// Rolls an action string into camera-to-world poses with the diffusers mapping
/// (huggingface/diffusers PR #13881 @ b9fd857, pipelines/sana_wm/cam_utils.py, action_string_to_c2w).
/// OpenCV axes; pose 0 is the identity and each frame appends one pose. Fixed upstream choices: float64 math,
/// no smoothing, no strafe-yaw coupling.
/// </summary>
internal static class DiffusersActionRollout
{
    public static IReadOnlyList<RigidTransform> Roll(IEnumerable<HeldKeys> frames, ActionSpeeds speeds)
    {
        var rotate = Angles.Radians(speeds.RotationSpeedDeg);
        var pitchLimit = Angles.Radians(speeds.PitchLimitDeg);
        var (pose, pitch) = (RigidTransform.Identity, 0.0);
        var poses = new List<RigidTransform> { pose };
        foreach (var held in frames)
        {
            var pitchDelta = held.Step(HeldKeys.I, rotate) - held.Step(HeldKeys.K, rotate);
            var nextPitch = pitch + pitchDelta;
            if (-pitchLimit <= nextPitch && nextPitch <= pitchLimit)
                pitch = nextPitch;
            else
                pitchDelta = 0.0;   // a step past the limit is skipped, not clamped
            var yawDelta = held.Step(HeldKeys.L, rotate) - held.Step(HeldKeys.J, rotate);
            // yaw about the world's vertical (pre-multiplied), pitch about the camera's own x axis (post-multiplied)
            var rotation = Matrix3.RotationY(yawDelta) * pose.Rotation * Matrix3.RotationX(pitchDelta);
            pose = new RigidTransform(rotation, pose.Translation + Move(held, rotation, speeds.TranslationSpeed));
            poses.Add(pose);
        }
        return poses;
    }

    /// <summary>w/s along the heading, d/a along the horizontal right axis, summed in upstream's order.</summary>
    private static Vector3 Move(HeldKeys held, Matrix3 rotation, double speed)
    {
        var forward = HorizontalAxis.Of(rotation.Column(2), epsilon: 0.0);
        var right = HorizontalAxis.Of(rotation.Column(0), epsilon: 0.0);
        var move = Vector3.Zero;
        if (held.HasFlag(HeldKeys.W))
            move += forward * speed;
        if (held.HasFlag(HeldKeys.S))
            move -= forward * speed;
        if (held.HasFlag(HeldKeys.D))
            move += right * speed;
        if (held.HasFlag(HeldKeys.A))
            move -= right * speed;
        return move;
    }
}
