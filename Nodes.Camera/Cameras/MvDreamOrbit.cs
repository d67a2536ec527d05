namespace Workflow.Nodes.Camera.Cameras;

/// <summary>
/// MVDream's orbit cameras (bytedance/MVDream @618f844, mvdream/camera_utils.py; ImageDream @26c3972 is the same):
/// views on a unit sphere looking at the origin, OpenGL axes (y up, the camera looking down its −Z), optionally
/// re-expressed in Blender's z-up world.
/// </summary>
internal static class MvDreamOrbit
{
    /// <summary>
    /// get_camera's azimuths, np.arange(start, span + start, span / views), computed as numpy does (PyArray_ArangeObj,
    /// DOUBLE_fill): the length is ceil((stop − start) / step), so rounding can add a view (7 views over 300° give 8),
    /// and values past the second are start + i·(second − start).
    /// </summary>
    public static IReadOnlyList<double> Azimuths(int views, double start, double span)
    {
        var step = span / views;
        var stop = span + start;
        var length = (int)Math.Ceiling((stop - start) / step);
        var azimuths = new List<double>(length);
        for (var i = 0; i < length; i++)
            azimuths.Add(i switch { 0 => start, 1 => start + step, _ => start + i * (azimuths[1] - start) });
        return azimuths;
    }

    /// <summary>create_camera_to_world_matrix(elevation, azimuth): the camera at distance 1, y up, looking at the origin.</summary>
    public static RigidTransform CameraToWorld(double elevationDeg, double azimuthDeg)
    {
        var (elevation, azimuth) = (Angles.Radians(elevationDeg), Angles.Radians(azimuthDeg));
        var position = new Vector3(Math.Cos(elevation) * Math.Sin(azimuth), Math.Sin(elevation), Math.Cos(elevation) * Math.Cos(azimuth));
        var forward = (Vector3.Zero - position).Normalized();
        var right = forward.Cross(new Vector3(0, 1, 0)).Normalized();
        var up = right.Cross(forward).Normalized();
        return new RigidTransform(Matrix3.FromColumns(right, up, -forward), position);
    }

    /// <summary>
    /// convert_opengl_to_blender: left-multiplies by [[1,0,0,0],[0,0,−1,0],[0,1,0,0],[0,0,0,1]], a change of the
    /// world frame (new y = −old z, new z = old y); the camera's own axes stay OpenGL's.
    /// </summary>
    public static RigidTransform ToBlenderWorld(RigidTransform openGl)
    {
        var (r, t) = (openGl.Rotation, openGl.Translation);
        return new RigidTransform(new Matrix3(r.Row0, -r.Row2, r.Row1), new Vector3(t.X, -t.Z, t.Y));
    }
}
