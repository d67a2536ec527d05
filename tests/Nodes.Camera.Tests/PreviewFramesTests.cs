using Workflow.Imaging;
using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Nodes.Camera.Nodes;
using Workflow.Nodes.Camera.Tests.Support;
using Workflow.Testing;
using Workflow.Torch;

namespace Workflow.Nodes.Camera.Tests;

/// <summary>CameraPreviewFrames draws CameraPreview's picture once per pose, with the current camera marked, as IMAGE frames.</summary>
public sealed class PreviewFramesTests
{
    [Fact]
    public void There_is_one_frame_per_pose_and_each_shows_its_own_camera()
    {
        var camera = new CameraFromActions().Execute("w-6,j-4");
        var context = CameraEngine.Context();

        using var frames = new CameraPreviewFrames().Execute(context, camera, width: 320, height: 160);

        Assert.Equal([camera.FrameCount, 160, 320, 3], frames.Pixels.shape);
        var rasters = Enumerable.Range(0, camera.FrameCount).Select(i => Raster(frames, i)).ToList();
        foreach (var raster in rasters)
            CameraEngine.AssertLooksLikeAPicture(Png.Encode(raster, []), 320, 160);
        for (var i = 1; i < rasters.Count; i++)
            Assert.False(rasters[i].Pixels.AsSpan().SequenceEqual(rasters[i - 1].Pixels), $"frames {i - 1} and {i} are the same picture");
        Assert.Equal(Enumerable.Range(1, camera.FrameCount).Select(i => ((long)i, (long)camera.FrameCount)), context.Progress);
    }

    [Fact]
    public void More_pixels_than_the_budget_are_refused_before_drawing()
    {
        var camera = new CameraFromActions().Execute("w-100");
        var context = new TestNodeContext(CameraEngine.Context().Paths);
        var limited = new LimitedContext(context, maxPixels: 1_000_000);

        var error = Assert.Throws<InputException>(() => new CameraPreviewFrames().Execute(limited, camera, width: 320, height: 160));

        Assert.Equal("camera", error.InputName);
        Assert.Contains("over the budget of 1,000,000", error.Message);
        Assert.Empty(context.Progress);
    }

    private static RasterImage Raster(ImageBatch frames, int index)
    {
        using var frame = frames.Pixels[index];
        return ImageConversion.ToRaster(frame);
    }

    private sealed class LimitedContext(TestNodeContext inner, long maxPixels) : NodeContext
    {
        public override string NodeId => inner.NodeId;
        public override string PromptId => inner.PromptId;
        public override CancellationToken Cancellation => inner.Cancellation;
        public override Microsoft.Extensions.Logging.ILogger Logger => inner.Logger;
        public override NodePaths Paths => inner.Paths;
        public override PromptMetadata Metadata => inner.Metadata;
        public override InputLimits Limits => new() { MaxImagePixels = maxPixels };
        public override void ReportProgress(long value, long max, PreviewImage? preview = null) => inner.ReportProgress(value, max, preview);
    }
}
