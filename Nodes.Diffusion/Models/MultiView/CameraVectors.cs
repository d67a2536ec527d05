using Workflow.NodeSdk.Data;
using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Models.MultiView;

/// <summary>MVDream's camera input (camera_utils.get_camera): each camera-to-world pose's 4×4 matrix flattened row by row, float32, one row per view.</summary>
public static class CameraVectors
{
    public static Tensor Of(IReadOnlyList<CameraPose> poses)
    {
        float[] values = [.. poses.SelectMany(p => p.ToRowMajor()).Select(v => (float)v)];
        return torch.tensor<float>(values, [poses.Count, 16]);
    }
}
