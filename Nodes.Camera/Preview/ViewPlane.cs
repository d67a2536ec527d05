using Workflow.NodeSdk.Data;
using Workflow.Nodes.Camera.Cameras;

namespace Workflow.Nodes.Camera.Preview;

/// <summary>A world direction as the preview labels it: "+X" in x's red.</summary>
internal sealed record AxisLabel(string Name, Rgb Colour);

/// <summary>
/// One orthographic view of the scene: the world directions that become screen right and screen up.
/// The top view looks down the world's up axis with the forward direction up the screen; the side view looks from
/// the right (+right axis) with forward to the right. Both are right-handed.
/// </summary>
internal sealed record ViewPlane(string Title, Vector3 ScreenRight, Vector3 ScreenUp, AxisLabel RightLabel, AxisLabel UpLabel)
{
    public (double Right, double Up) Project(Vector3 world) => (world.Dot(ScreenRight), world.Dot(ScreenUp));

    /// <summary>The top and side views for a convention's world: which axis is up, which is forward.</summary>
    public static (ViewPlane Top, ViewPlane Side) For(CameraConvention convention)
    {
        var x = new AxisLabel("+X", Rgb.AxisX);
        var (forward, forwardLabel, up, upLabel) = convention switch
        {
            // SANA-WM starts at the identity: the first camera looks along +Z, and the image's up (−Y) is the world's up.
            CameraConvention.OpenCv => (new Vector3(0, 0, 1), new AxisLabel("+Z", Rgb.AxisZ), new Vector3(0, -1, 0), new AxisLabel("-Y", Rgb.AxisY)),
            CameraConvention.OpenGl => (new Vector3(0, 0, -1), new AxisLabel("-Z", Rgb.AxisZ), new Vector3(0, 1, 0), new AxisLabel("+Y", Rgb.AxisY)),
            CameraConvention.Blender => (new Vector3(0, 1, 0), new AxisLabel("+Y", Rgb.AxisY), new Vector3(0, 0, 1), new AxisLabel("+Z", Rgb.AxisZ)),
            _ => throw new NotSupportedException($"convention {convention} has no preview axes"),
        };
        return (new ViewPlane("TOP VIEW", new Vector3(1, 0, 0), forward, x, forwardLabel),
                new ViewPlane("SIDE VIEW", forward, up, forwardLabel, upLabel));
    }
}
