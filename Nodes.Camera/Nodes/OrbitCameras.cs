using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Nodes.Camera.Cameras;

namespace Workflow.Nodes.Camera.Nodes;

using Camera = Workflow.NodeSdk.Data.Camera;

/// <summary>MVDream's orbit of views around the origin (camera_utils.get_camera), with ImageDream's extra reference slot.</summary>
[Node("OrbitCameras", DisplayName = "Orbit Cameras", Category = "camera",
      Description = "Cameras on a circle around the object, looking at it: MVDream's get_camera. Azimuths are "
                    + "arange(start, start + span, span / views), so a span that does not divide evenly can add a view, as upstream.")]
public sealed class OrbitCameras : INode, IValidateInputs
{
    public Camera Execute(
        [Int(Min = 1, Max = 360), Input(Tooltip = "Views on the orbit (MVDream: 4).")] int views = 4,
        [Float(Min = -89.9, Max = 89.9, Step = 0.5), Input(Tooltip = "Degrees above the horizon (MVDream t2i: 15, ImageDream: 5).")] double elevation = 15,
        [Float(Min = -360, Max = 360, Step = 1), Input(Tooltip = "Azimuth of the first view, degrees (MVDream t2i: 90).")] double azimuthStart = 0,
        [Float(Min = -720, Max = 720, Step = 1), Input(Tooltip = "Degrees the views spread over; negative turns the other way.")] double azimuthSpan = 360,
        [Float(Min = 0.01, Max = 1000, Step = 0.1), Input(Tooltip = "Distance from the origin; MVDream's cameras are at 1.")] double radius = 1,
        [Input(Tooltip = "Blender's z-up world (MVDream's default); off: OpenGL's y-up world.")] bool blenderCoords = true,
        [Input(Tooltip = "ImageDream pixel mode: an all-zero camera slot for the reference image after the views.")] bool extraReferenceView = false)
    {
        if (azimuthSpan == 0)
            throw new InputException("azimuth_span", azimuthSpan, SpanProblem);
        var poses = MvDreamOrbit.Azimuths(views, azimuthStart, azimuthSpan)
            .Select(azimuth => MvDreamOrbit.CameraToWorld(elevation, azimuth))
            .Select(pose => blenderCoords ? MvDreamOrbit.ToBlenderWorld(pose) : pose)
            .Select(pose => (pose with { Translation = pose.Translation * radius }).ToPose());
        return new Camera(blenderCoords ? CameraConvention.Blender : CameraConvention.OpenGl, poses, appendsReferenceView: extraReferenceView);
    }

    public IEnumerable<InputProblem> Validate(InputValues literals, NodePaths paths) =>
        literals.Contains("azimuth_span") && literals.Get<double>("azimuth_span") == 0 ? [new InputProblem("azimuth_span", SpanProblem)] : [];

    private const string SpanProblem = "must not be zero (the views would have no azimuth step)";
}
