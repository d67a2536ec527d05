namespace Workflow.NodeSdk.Data;

/// <summary>
/// Per-frame pinhole intrinsics and the image size, in pixels, they refer to (intrinsics change when the image is
/// resized or cropped, so the size travels with them).
/// </summary>
[SocketType("CAMERA_INTRINSICS")]
public sealed record CameraIntrinsics
{
    public CameraIntrinsics(IEnumerable<PinholeIntrinsics> frames, int width, int height)
    {
        Frames = [.. frames];
        if (Frames.Count == 0)
            throw new ArgumentException("Intrinsics need at least one frame.");
        if (width <= 0 || height <= 0)
            throw new ArgumentException($"The image size must be positive, not {width}x{height}.");
        for (var i = 0; i < Frames.Count; i++)
            Check(Frames[i], i);
        (Width, Height) = (width, height);
    }

    public IReadOnlyList<PinholeIntrinsics> Frames { get; }

    public int Width { get; }

    public int Height { get; }

    public int FrameCount => Frames.Count;

    /// <summary>The first <paramref name="count"/> frames, for the same image.</summary>
    public CameraIntrinsics Take(int count) => new(Frames.Take(count), Width, Height);

    public bool Equals(CameraIntrinsics? other) =>
        other is not null && Width == other.Width && Height == other.Height && Frames.SequenceEqual(other.Frames);

    public override int GetHashCode() => HashCode.Combine(Width, Height, Frames.Count, Frames[0]);

    private static void Check(PinholeIntrinsics k, int frame)
    {
        if (!double.IsFinite(k.Fx) || !double.IsFinite(k.Fy) || !double.IsFinite(k.Cx) || !double.IsFinite(k.Cy))
            throw new ArgumentException($"Frame {frame}'s intrinsics must be finite: {k}.");
        if (k.Fx <= 0 || k.Fy <= 0)
            throw new ArgumentException($"Frame {frame}'s focal lengths must be positive: {k}.");
    }
}
