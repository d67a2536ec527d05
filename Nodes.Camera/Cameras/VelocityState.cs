namespace Workflow.Nodes.Camera.Cameras;

/// <summary>
/// Per-frame camera velocity of NVlabs/Sana's unified control scheme (camera_control.py, VelocityState): forward and
/// strafe-right translation, yaw-right and pitch-up rotation in radians, each per frame.
/// </summary>
internal sealed record VelocityState(double Forward, double Strafe, double Yaw, double Pitch)
{
    /// <summary>Frame rate the smoother's time constants assume (camera_control.FPS).</summary>
    private const double FramesPerSecond = 16;

    /// <summary>Time constant while a component's target is non-zero: ramp up quickly (TAU_PRESS).</summary>
    private const double PressSeconds = 0.45;

    /// <summary>Time constant once the target is zero: coast to rest more slowly (TAU_COAST).</summary>
    private const double CoastSeconds = 1.0;

    public static VelocityState Rest { get; } = new(0, 0, 0, 0);

    /// <summary>The velocity the held keys ask for (controls_to_target_velocity), a/d yawing and j/l strafing.</summary>
    public static VelocityState Target(HeldKeys held, double translationSpeed, double rotationSpeedRad) => new(
        (held.Is(HeldKeys.W) - held.Is(HeldKeys.S)) * translationSpeed,
        (held.Is(HeldKeys.L) - held.Is(HeldKeys.J)) * translationSpeed,
        (held.Is(HeldKeys.D) - held.Is(HeldKeys.A)) * rotationSpeedRad,
        (held.Is(HeldKeys.I) - held.Is(HeldKeys.K)) * rotationSpeedRad);

    /// <summary>One frame of exponential easing toward <paramref name="target"/> (VelocityState.step_toward).</summary>
    public VelocityState StepToward(VelocityState target) => new(
        Ease(Forward, target.Forward), Ease(Strafe, target.Strafe), Ease(Yaw, target.Yaw), Ease(Pitch, target.Pitch));

    private static double Ease(double current, double target)
    {
        var tau = Math.Abs(target) > 1e-12 ? PressSeconds : CoastSeconds;
        var alpha = 1.0 - Math.Exp(-(1.0 / FramesPerSecond) / tau);
        return current + alpha * (target - current);
    }
}
