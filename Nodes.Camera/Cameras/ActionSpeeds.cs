namespace Workflow.Nodes.Camera.Cameras;

/// <summary>How far one frame of a held key moves the camera: world units, degrees of yaw/pitch, and the pitch bound.</summary>
internal sealed record ActionSpeeds(double TranslationSpeed, double RotationSpeedDeg, double PitchLimitDeg)
{
    /// <summary>diffusers PR #13881 cam_utils defaults, and so CameraFromActions' widget defaults.</summary>
    public const double DiffusersTranslationSpeed = 0.05;
    public const double DiffusersRotationSpeedDeg = 1.2;
    public const double DiffusersPitchLimitDeg = 85.0;

    /// <summary>NVlabs/Sana camera_control.py defaults (DEFAULT_TRANSLATION_SPEED, DEFAULT_ROTATION_SPEED_DEG, DEFAULT_PITCH_LIMIT_DEG).</summary>
    public static ActionSpeeds UnifiedV2 { get; } = new(0.025, 0.6, 60.0);
}
