using Workflow.NodeSdk;
using Workflow.Nodes.Camera.Cameras;

namespace Workflow.Nodes.Camera.Nodes;

using Camera = Workflow.NodeSdk.Data.Camera;

/// <summary>Re-expresses every pose in the first camera's frame: the first becomes the identity.</summary>
[Node("RelativeToFirst", DisplayName = "Relative To First", Category = "camera",
      Description = "Poses relative to the first camera, inv(c2w_0) * c2w_i, as SANA-WM conditions on them.")]
public sealed class RelativeToFirst : INode
{
    public Camera Execute(Camera camera) => camera.WithPoses(RelativePoses.ToFirst(camera.Transforms()));
}
