using Workflow.Nodes.Camera.Cameras;

namespace Workflow.Nodes.Camera.Preview;

using Camera = Workflow.NodeSdk.Data.Camera;

/// <summary>A frame's frustum and its place along the trajectory (0 first, 1 last).</summary>
internal sealed record PlacedFrustum(int Frame, double Along, Frustum Frustum);

/// <summary>
/// What the preview draws, in world units: every camera centre (the path), the frustums of up to
/// <see cref="MaxFrustums"/> evenly spaced frames (first and last always), and a grid step that suits the scene.
/// </summary>
internal sealed record PreviewScene(IReadOnlyList<Vector3> Centres, IReadOnlyList<PlacedFrustum> Frustums, double GridStep, double FrustumDepth)
{
    /// <summary>More would overlap into a smear on a long trajectory; the path still shows every frame.</summary>
    public const int MaxFrustums = 12;

    /// <summary>Every point the views must show: centres, frustum corners, and the world origin.</summary>
    public IEnumerable<Vector3> Extent => ExtentOf(Centres, Frustums);

    public static PreviewScene Of(Camera camera)
    {
        var poses = camera.Transforms();
        var centres = poses.Select(p => p.Translation).ToList();
        var sampled = SampledFrames(poses.Count).ToList();
        var depth = DepthFor(centres, sampled, ImagePlane.Of(camera.Intrinsics, 0));
        var frustums = sampled.Select(f => Place(camera, poses, f, depth)).ToList();
        return new PreviewScene(centres, frustums, NiceStep(Size(ExtentOf(centres, frustums)) / 6), depth);
    }

    /// <summary>Frame <paramref name="frame"/>'s frustum at this scene's depth, drawn or not.</summary>
    public PlacedFrustum Place(Camera camera, IReadOnlyList<RigidTransform> poses, int frame) => Place(camera, poses, frame, FrustumDepth);

    private static PlacedFrustum Place(Camera camera, IReadOnlyList<RigidTransform> poses, int frame, double depth) =>
        new(frame, poses.Count > 1 ? frame / (poses.Count - 1.0) : 0,
            Frustum.Of(poses[frame], camera.Convention, ImagePlane.Of(camera.Intrinsics, frame), depth));

    private static IEnumerable<Vector3> ExtentOf(IReadOnlyList<Vector3> centres, IReadOnlyList<PlacedFrustum> frustums) =>
        [Vector3.Zero, .. centres, .. frustums.SelectMany(f => f.Frustum.Corners)];

    /// <summary>
    /// About an eighth of the scene, but no deeper than keeps neighbouring frustums from overlapping along the path; a
    /// camera that only turns still gets a visible one.
    /// </summary>
    private static double DepthFor(IReadOnlyList<Vector3> centres, IReadOnlyList<int> sampled, ImagePlane plane)
    {
        var size = Size(centres.Append(Vector3.Zero));
        var depth = 0.12 * (size > 1e-9 ? size : 1.0);
        var pathLength = Enumerable.Range(1, centres.Count - 1).Sum(i => (centres[i] - centres[i - 1]).Norm());
        if (sampled.Count < 2 || pathLength < 1e-9)
            return depth;
        var spacing = pathLength / (sampled.Count - 1);
        var halfWidth = Math.Max(Math.Max(-plane.Left, plane.Right), 0.5);
        return Math.Min(depth, 0.45 * spacing / halfWidth);
    }

    private static IEnumerable<int> SampledFrames(int count) =>
        count <= MaxFrustums
            ? Enumerable.Range(0, count)
            : Enumerable.Range(0, MaxFrustums).Select(i => (int)Math.Round(i * (count - 1.0) / (MaxFrustums - 1))).Distinct();

    /// <summary>The largest side of the points' bounding box.</summary>
    private static double Size(IEnumerable<Vector3> points)
    {
        var list = points.ToList();
        return new[] { list.Max(p => p.X) - list.Min(p => p.X), list.Max(p => p.Y) - list.Min(p => p.Y), list.Max(p => p.Z) - list.Min(p => p.Z) }.Max();
    }

    /// <summary>1, 2 or 5 times a power of ten, at least <paramref name="raw"/>.</summary>
    private static double NiceStep(double raw)
    {
        var power = Math.Pow(10, Math.Floor(Math.Log10(Math.Max(raw, 1e-9))));
        return new[] { 1.0, 2.0, 5.0, 10.0 }.Select(m => m * power).First(step => step >= raw);
    }
}
