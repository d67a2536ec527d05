namespace Workflow.Nodes.Camera.Cameras;

/// <summary>
/// Rolls an action string into camera-to-world poses with NVlabs/Sana's current mapping (commit 1a52678a:
/// inference_video_scripts/inference_sana_wm.py action_string_to_c2w with smooth=True, over camera_control.py's
/// VelocityState and CameraPoseIntegrator). OpenCV axes; pose 0 is the identity. A newly pressed key snaps the
/// velocity to its target; otherwise it eases there. Pitch saturates at the limit.
/// </summary>
internal static class UnifiedActionRollout
{
    /// <summary>CameraPoseIntegrator's guard in the heading normalisation, fwd /= |fwd| + 1e-6.</summary>
    private const double HeadingEpsilon = 1e-6;

    public static IReadOnlyList<RigidTransform> Roll(IEnumerable<HeldKeys> frames, ActionSpeeds speeds)
    {
        var rotationSpeed = Angles.Radians(speeds.RotationSpeedDeg);
        var pitchLimit = Angles.Radians(speeds.PitchLimitDeg);
        var (pose, pitch, velocity, lastHeld) = (RigidTransform.Identity, 0.0, VelocityState.Rest, HeldKeys.None);
        var poses = new List<RigidTransform> { pose };
        foreach (var held in frames)
        {
            var target = VelocityState.Target(held, speeds.TranslationSpeed, rotationSpeed);
            velocity = (held & ~lastHeld) != 0 ? target : velocity.StepToward(target);
            lastHeld = held;
            var nextPitch = Math.Max(-pitchLimit, Math.Min(pitchLimit, pitch + velocity.Pitch));
            var pitchStep = nextPitch - pitch;
            pitch = nextPitch;
            var rotation = Matrix3.RotationY(velocity.Yaw) * pose.Rotation * Matrix3.RotationX(pitchStep);
            var forward = HorizontalAxis.Of(rotation.Column(2), HeadingEpsilon);
            var right = HorizontalAxis.Of(rotation.Column(0), HeadingEpsilon);
            pose = new RigidTransform(rotation, pose.Translation + forward * velocity.Forward + right * velocity.Strafe);
            poses.Add(pose);
        }
        return poses;
    }
}
