namespace Workflow.Nodes.Camera.Cameras;

internal static class Angles
{
    /// <summary>
    /// Degrees to radians as Python's math.radians and numpy.radians compute it, x · (π/180) — not x · π / 180,
    /// which rounds differently and would move poses in the last bit.
    /// </summary>
    public static double Radians(double degrees) => degrees * (Math.PI / 180.0);
}
