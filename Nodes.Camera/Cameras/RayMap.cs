using Workflow.NodeSdk.Data;

namespace Workflow.Nodes.Camera.Cameras;

/// <summary>Which 6 numbers a ray map holds per pixel.</summary>
internal enum RayEncoding
{
    /// <summary>Plücker coordinates [d, o × d]: direction, then moment.</summary>
    Plucker,

    /// <summary>[o, d]: origin, then direction.</summary>
    OriginDirection,
}

/// <summary>
/// One camera's rays at every pixel of an h × w grid (diffusers PR #13881 cam_utils.compute_raymap): integer pixel
/// indices u, v with no +0.5 offset, d = normalize(R·((u − cx)/fx, (v − cy)/fy, 1)) with |d| clamped to 1e-12,
/// o = the camera centre. OpenCV axes (+y down the image).
/// </summary>
internal static class RayMap
{
    /// <summary>(h, w, 6) values, row-major, as upstream returns them per frame.</summary>
    public static double[] Compute(RigidTransform pose, PinholeIntrinsics k, int height, int width, RayEncoding encoding)
    {
        var map = new double[height * width * 6];
        var origin = pose.Translation;
        for (var v = 0; v < height; v++)
            for (var u = 0; u < width; u++)
            {
                var direction = Direction(pose.Rotation, k, u, v);
                var (first, second) = encoding == RayEncoding.Plucker ? (direction, origin.Cross(direction)) : (origin, direction);
                var at = (v * width + u) * 6;
                (map[at], map[at + 1], map[at + 2]) = (first.X, first.Y, first.Z);
                (map[at + 3], map[at + 4], map[at + 5]) = (second.X, second.Y, second.Z);
            }
        return map;
    }

    private static Vector3 Direction(Matrix3 rotation, PinholeIntrinsics k, int u, int v)
    {
        var world = rotation * new Vector3((u - k.Cx) / k.Fx, (v - k.Cy) / k.Fy, 1.0);
        return world / Math.Max(world.Norm(), 1e-12);
    }
}
