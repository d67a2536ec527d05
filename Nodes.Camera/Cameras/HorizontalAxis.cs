namespace Workflow.Nodes.Camera.Cameras;

internal static class HorizontalAxis
{
    /// <summary>
    /// A camera axis projected onto the ground (y = 0) and normalised by |v| + <paramref name="epsilon"/>: SANA-WM moves
    /// the camera along its heading, so looking up or down never lifts it off the floor. A zero projection stays zero.
    /// </summary>
    public static Vector3 Of(Vector3 axis, double epsilon)
    {
        var flat = axis with { Y = 0.0 };
        var norm = flat.Norm();
        return norm > 0 ? flat / (norm + epsilon) : flat;
    }
}
