namespace Workflow.NodeSdk.Data;

/// <summary>
/// The axes a camera-to-world pose is written in: which way the camera looks, and which world axis is up.
/// </summary>
public enum CameraConvention
{
    /// <summary>
    /// OpenCV: the camera looks along its +Z with +X right and +Y down. SANA-WM trajectories start at the identity,
    /// so their world is the first camera's frame and "up" is world −Y.
    /// </summary>
    [WireName("opencv")]
    OpenCv,

    /// <summary>OpenGL: the camera looks along its −Z with +X right and +Y up; the world is +Y up (MVDream with blender_coord=False).</summary>
    [WireName("opengl")]
    OpenGl,

    /// <summary>Blender: camera axes as OpenGL, the world +Z up (MVDream's default, camera_utils.convert_opengl_to_blender).</summary>
    [WireName("blender")]
    Blender,
}
