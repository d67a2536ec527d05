using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Nodes.Camera.Preview;
using Workflow.Torch;

namespace Workflow.Nodes.Camera.Nodes;

using Camera = Workflow.NodeSdk.Data.Camera;

/// <summary>CameraPreview's picture once per pose, as IMAGE frames: a fly-through of the trajectory for SaveVideo, before any GPU time is spent.</summary>
[Node("CameraPreviewFrames", DisplayName = "Camera Preview Frames", Category = "camera",
      Description = "Draws the camera preview (from above and from the side) once per pose, that frame's camera outlined in ink and "
                    + "the path travelled so far drawn heavy: an IMAGE batch of one frame per pose, for SaveVideo.")]
public sealed class CameraPreviewFrames : INode
{
    public ImageBatch Execute(
        NodeContext context,
        Camera camera,
        [Int(Min = 256, Max = 8192, Step = 8), Input(Tooltip = "Frame width in pixels (two panels side by side).")] int width = 1024,
        [Int(Min = 128, Max = 8192, Step = 8), Input(Tooltip = "Frame height in pixels.")] int height = 512)
    {
        long pixels = (long)camera.FrameCount * width * height;
        if (pixels > context.Limits.MaxImagePixels)
            throw InputErrors.Refusal("camera", $"{camera.FrameCount} frames",
                $"{camera.FrameCount} frames of {width}x{height} are {pixels:N0} pixels, over the budget of {context.Limits.MaxImagePixels:N0} (--max-image-pixels); draw them smaller");
        var frames = torch.empty([camera.FrameCount, height, width, 3]);
        try
        {
            var frame = 0;
            foreach (var raster in TrajectoryPreview.RenderFrames(camera, width, height))
            {
                using (var scope = torch.NewDisposeScope())
                    frames[frame].copy_(ImageConversion.FromRaster(raster));
                context.ReportProgress(++frame, camera.FrameCount);
            }
            return new ImageBatch(frames);
        }
        catch
        {
            frames.Dispose();
            throw;
        }
    }
}
