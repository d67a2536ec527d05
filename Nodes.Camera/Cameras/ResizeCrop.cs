using Workflow.NodeSdk.Data;

namespace Workflow.Nodes.Camera.Cameras;

/// <summary>
/// The aspect-preserving resize and centre crop SANA-WM applies to the first frame, and what it does to intrinsics
/// (diffusers PR #13881: image_processor.py resize_and_center_crop / preprocess_with_intrinsics,
/// cam_utils.transform_intrinsics_for_crop). Sizes are (width, height).
/// </summary>
internal sealed record ResizeCrop(int SourceWidth, int SourceHeight, int ResizedWidth, int ResizedHeight, int Left, int Top)
{
    /// <summary>Scale by max(th/h, tw/w), round (Python's round, half to even), never below the target; crop the middle.</summary>
    public static ResizeCrop To(int sourceWidth, int sourceHeight, int targetWidth, int targetHeight)
    {
        var scale = Math.Max(targetHeight / (double)sourceHeight, targetWidth / (double)sourceWidth);
        var resizedWidth = Math.Max(targetWidth, (int)Math.Round(sourceWidth * scale, MidpointRounding.ToEven));
        var resizedHeight = Math.Max(targetHeight, (int)Math.Round(sourceHeight * scale, MidpointRounding.ToEven));
        return new ResizeCrop(sourceWidth, sourceHeight, resizedWidth, resizedHeight,
            (resizedWidth - targetWidth) / 2, (resizedHeight - targetHeight) / 2);
    }

    /// <summary>fx, cx scale with the width and cx shifts by the left crop; fy, cy likewise with the height and top.</summary>
    public PinholeIntrinsics Apply(PinholeIntrinsics k)
    {
        var (sx, sy) = (ResizedWidth / (double)SourceWidth, ResizedHeight / (double)SourceHeight);
        return new PinholeIntrinsics(k.Fx * sx, k.Fy * sy, k.Cx * sx - Left, k.Cy * sy - Top);
    }
}
