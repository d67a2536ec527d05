using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Nodes.Camera.Cameras;

namespace Workflow.Nodes.Camera.Nodes;

using Camera = Workflow.NodeSdk.Data.Camera;

/// <summary>Intrinsics moved to the image SANA-WM actually sees: resized to cover width × height, then centre-cropped.</summary>
[Node("CameraResizeCrop", DisplayName = "Camera Resize Crop", Category = "camera",
      Description = "Adjusts the intrinsics for an aspect-preserving resize that covers width x height followed by a centre crop "
                    + "(SANA-WM's resize_and_center_crop on the first frame). Poses are unchanged.")]
public sealed class CameraResizeCrop : INode
{
    public Camera Execute(
        Camera camera,
        [Int(Min = 1, Max = 65536), Input(Tooltip = "Target width (SANA-WM: 1280).")] int width = 1280,
        [Int(Min = 1, Max = 65536), Input(Tooltip = "Target height (SANA-WM: 704).")] int height = 704)
    {
        var intrinsics = camera.Intrinsics
            ?? throw new InputException("camera", camera.Convention, "has no intrinsics to adjust; give the camera an Intrinsics input");
        var crop = ResizeCrop.To(intrinsics.Width, intrinsics.Height, width, height);
        return camera.WithIntrinsics(new CameraIntrinsics(intrinsics.Frames.Select(crop.Apply), width, height));
    }
}
