namespace Workflow.NodeSdk.Data;

/// <summary>
/// A camera per frame: camera-to-world poses in one <see cref="CameraConvention"/>, and, where known, intrinsics for
/// every frame with the image size they refer to. Multi-view models read one pose per view; camera-controlled video
/// models read a trajectory.
/// </summary>
[SocketType("CAMERA")]
public sealed record Camera
{
    public Camera(CameraConvention convention, IEnumerable<CameraPose> poses, CameraIntrinsics? intrinsics = null, bool appendsReferenceView = false)
    {
        Poses = [.. poses];
        if (Poses.Count == 0)
            throw new ArgumentException("A camera needs at least one pose.");
        if (intrinsics is not null && intrinsics.FrameCount != Poses.Count)
            throw new ArgumentException($"{intrinsics.FrameCount} frames of intrinsics for {Poses.Count} poses.");
        (Convention, Intrinsics, AppendsReferenceView) = (convention, intrinsics, appendsReferenceView);
    }

    public CameraConvention Convention { get; }

    public IReadOnlyList<CameraPose> Poses { get; }

    /// <summary>Null where the source has none (MVDream's orbit cameras are poses only).</summary>
    public CameraIntrinsics? Intrinsics { get; }

    /// <summary>
    /// ImageDream's pixel mode: after the poses comes a slot for the reference image whose camera vector is all
    /// zeros (camera_utils.get_camera(extra_view=True)). It is not a pose, so it is a flag, not a frame.
    /// </summary>
    public bool AppendsReferenceView { get; }

    public int FrameCount => Poses.Count;

    public bool Equals(Camera? other) =>
        other is not null && Convention == other.Convention && AppendsReferenceView == other.AppendsReferenceView
        && Equals(Intrinsics, other.Intrinsics) && Poses.SequenceEqual(other.Poses);

    public override int GetHashCode() => HashCode.Combine(Convention, Poses.Count, Poses[0], AppendsReferenceView);
}
