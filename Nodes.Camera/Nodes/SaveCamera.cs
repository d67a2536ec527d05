using System.Text;
using Workflow.NodeSdk;
using Workflow.Nodes.Camera.Cameras;

namespace Workflow.Nodes.Camera.Nodes;

using Camera = Workflow.NodeSdk.Data.Camera;

/// <summary>Writes a camera to a JSON file in the output folder, for other tools and for CameraFromPoses.</summary>
[Node("SaveCamera", DisplayName = "Save Camera", Category = "camera", OutputNode = true,
      Description = "Writes {\"convention\", \"c2w\": [F][4][4], \"intrinsics\": [F][4], \"image_size\": [w, h], \"reference_view\"} "
                    + "to \"{prefix}_00001_.json\" in the output folder (intrinsics and image_size are null when the camera has none).")]
public sealed class SaveCamera : INode
{
    public UiOutput Execute(NodeContext context, Camera camera, string filenamePrefix = "camera")
    {
        var file = OutputFile.Write(context, filenamePrefix, "json", Encoding.UTF8.GetBytes(CameraJson.Write(camera)));
        return new UiOutput().AddFile("files", file.FileName, file.Subfolder, "output");
    }
}
