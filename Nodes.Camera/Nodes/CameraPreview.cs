using Workflow.Imaging;
using Workflow.NodeSdk;
using Workflow.Nodes.Camera.Preview;

namespace Workflow.Nodes.Camera.Nodes;

using Camera = Workflow.NodeSdk.Data.Camera;

/// <summary>A picture of the cameras before any GPU time is spent on them: the trajectory from above and from the side.</summary>
[Node("CameraPreview", DisplayName = "Camera Preview", Category = "camera", OutputNode = true,
      Description = "Draws the camera frustums and the path through them from above and from the side into a PNG in the "
                    + "output folder: blue is the first frame, orange the last, green and red dots mark start and end.")]
public sealed class CameraPreview : INode
{
    public UiOutput Execute(
        NodeContext context,
        Camera camera,
        string filenamePrefix = "camera_preview",
        [Int(Min = 256, Max = 8192, Step = 8), Input(Tooltip = "Picture width in pixels (two panels side by side).")] int width = 1024,
        [Int(Min = 128, Max = 8192, Step = 8), Input(Tooltip = "Picture height in pixels.")] int height = 512)
    {
        var text = context.Metadata.PngTextChunks().Select(chunk => new PngText(chunk.Key, chunk.Value));
        var png = Png.Encode(TrajectoryPreview.Render(camera, width, height), text);
        var file = OutputFile.Write(context, filenamePrefix, "png", png, width, height);
        return new UiOutput().AddFile("images", file.FileName, file.Subfolder, "output");
    }
}
