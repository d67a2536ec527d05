using Workflow.NodeSdk.Data;
using Workflow.Nodes.Camera.Cameras;

namespace Workflow.Nodes.Camera.Preview;

/// <summary>
/// The extent of the image plane at unit depth, (u − cx)/fx across and (v − cy)/fy down, from the first frame's
/// intrinsics; cameras without intrinsics get a nominal square one of about 53°.
/// </summary>
internal sealed record ImagePlane(double Left, double Right, double Top, double Bottom)
{
    public static ImagePlane Of(CameraIntrinsics? intrinsics, int frame)
    {
        if (intrinsics is null)
            return new ImagePlane(-0.5, 0.5, -0.5, 0.5);
        var k = intrinsics.Frames[frame];
        return new ImagePlane(-k.Cx / k.Fx, (intrinsics.Width - k.Cx) / k.Fx, -k.Cy / k.Fy, (intrinsics.Height - k.Cy) / k.Fy);
    }
}

/// <summary>A camera drawn as a pyramid: its centre and the image corners at some depth (top-left, top-right, bottom-right, bottom-left).</summary>
internal sealed record Frustum(Vector3 Apex, Vector3 TopLeft, Vector3 TopRight, Vector3 BottomRight, Vector3 BottomLeft)
{
    public static Frustum Of(RigidTransform pose, CameraConvention convention, ImagePlane plane, double depth)
    {
        Vector3 Corner(double across, double down) => pose.Translation + pose.Rotation * (CameraRay(convention, across, down) * depth);
        return new Frustum(pose.Translation,
            Corner(plane.Left, plane.Top), Corner(plane.Right, plane.Top), Corner(plane.Right, plane.Bottom), Corner(plane.Left, plane.Bottom));
    }

    public IEnumerable<Vector3> Corners => [TopLeft, TopRight, BottomRight, BottomLeft];

    /// <summary>The camera-frame ray through an image point: OpenCV looks along +Z with y down, OpenGL's along −Z with y up.</summary>
    private static Vector3 CameraRay(CameraConvention convention, double across, double down) =>
        convention == CameraConvention.OpenCv ? new Vector3(across, down, 1) : new Vector3(across, -down, -1);
}
