using Workflow.NodeSdk;
using Workflow.Nodes.Camera.Cameras;

namespace Workflow.Nodes.Camera.Nodes;

using Camera = Workflow.NodeSdk.Data.Camera;

/// <summary>The camera cut to the frame count a video VAE accepts, and that count.</summary>
public sealed record SnappedCamera(Camera Camera, int NumFrames) : INodeOutputs;

/// <summary>Keeps as many frames as the video will have, snapped to temporal_stride·k + 1 (SANA-WM's check_inputs).</summary>
[Node("CameraSnapFrames", DisplayName = "Camera Snap Frames", Category = "camera",
      Description = "Keeps min(num_frames, frames) frames, snapped to the nearest temporal_stride*k + 1 (a tie goes up, "
                    + "never past the frames there are), as SANA-WM's pipeline does: 160 gives 161, 20 of 20 gives 17.")]
public sealed class CameraSnapFrames : INode
{
    public SnappedCamera Execute(
        Camera camera,
        [Int(Min = 1, Max = ActionScript.MaxFrames + 1), Input(Tooltip = "Frames wanted (SANA-WM: 161).")] int numFrames = 161,
        [Int(Min = 1, Max = 64), Input(Tooltip = "The video VAE's temporal compression (LTX-2: 8).")] int temporalStride = 8)
    {
        var kept = FrameCountSnapping.FramesToKeep(numFrames, camera.FrameCount, temporalStride);
        return new SnappedCamera(camera.TakeFrames(kept), kept);
    }
}
